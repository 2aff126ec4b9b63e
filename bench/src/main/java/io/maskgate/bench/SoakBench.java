package io.maskgate.bench;

import io.maskgate.tinyml.cli.CommandLines;
import io.maskgate.tinyml.cli.WorkCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ./maskgate bench soak}: the decision bench's service, broker and simulated units and actuators, run at a
 * steady rate for many minutes, printing each minute what a leak would make grow (see
 * {@code DecisionBench#soak}). A separate command because its question (does anything grow?) and its options
 * differ from the throughput phases'.
 */
public final class SoakBench {

    @Command(name = "maskgate bench soak", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Decisions at a steady rate through a real broker into the in-process service for N "
                    + "minutes; one row per minute: heap after GC, threads, DB connections, broker backlog, event "
                    + "backlog (service/README.md, Soak).")
    static final class Options extends WorkCommand<Options> {
        @Option(names = "--minutes", defaultValue = "20", paramLabel = "N",
                description = "length of the soak (default ${DEFAULT-VALUE})")
        int minutes;

        @Option(names = "--rate", defaultValue = "1000", paramLabel = "N",
                description = "decisions/s (default ${DEFAULT-VALUE})")
        int rate;

        @Option(names = "--doors", defaultValue = "20", paramLabel = "N",
                description = "doors, one unit each (default ${DEFAULT-VALUE})")
        int doors;

        @Mixin
        ServiceTarget target = new ServiceTarget();

        Options(CommandLines.Work<Options> work) {
            super(work);
        }
    }

    private SoakBench() {
    }

    public static void main(String[] args) {
        System.exit(CommandLines.of(new Options(SoakBench::soak), IllegalArgumentException.class).execute(args));
    }

    static int soak(Options o) throws Exception {
        if (o.minutes < 1 || o.rate < 1 || o.doors < 1) {
            throw new IllegalArgumentException("--minutes, --rate and --doors must be at least 1");
        }
        DecisionBench.Options d = new DecisionBench.Options(x -> 0);
        d.target = o.target;
        d.rate = o.rate;
        d.doors = o.doors;
        d.warmup = 20_000;
        d.clients = 4;
        return DecisionBench.bench(d, o.minutes);
    }
}
