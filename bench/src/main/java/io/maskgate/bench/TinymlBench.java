package io.maskgate.bench;

import io.maskgate.tinyml.facts.ModelFacts;
import io.maskgate.tinyml.writer.SyntheticCnn;
import io.maskgate.tinyml.cli.CommandLines;
import io.maskgate.tinyml.cli.WorkCommand;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ./maskgate bench tinyml [JMH args]}: runs {@link InferenceBenchmarks} single-threaded and prints the
 * median latency of each, the MMAC rate and the int8 / TensorFlow-float ratio on the same CNN in the same run.
 * Without arguments: 1 fork, 10 x 2 s warm-up (the Vector API code needs C2), 5 x 2 s measurement; {@code --cpu} measures process CPU time
 * per inference instead (robust to other load on a shared machine).
 */
public final class TinymlBench {
    private TinymlBench() {
    }

    /** The options of {@code ./maskgate bench tinyml}; {@link #call} is where the benchmark starts. */
    @Command(name = "maskgate bench tinyml", mixinStandardHelpOptions = true, sortOptions = false,
            description = "JMH: the int8 interpreter vs TensorFlow Java float on the same CNN, single-threaded "
                    + "(bench/README.md). Without JMH arguments: 1 fork, 10 x 2 s warm-up, 5 x 2 s measurement.",
            footer = "JMH arguments (e.g. -f 1 -wi 5 -i 5 -r 2s) are passed to JMH; --jmh-help lists them.")
    static final class Options extends WorkCommand<Options> {
        @Option(names = "--cpu", description = "process CPU time per inference instead of JMH (robust to other "
                + "load on a shared machine)")
        boolean cpu;

        @Option(names = "--jmh-help", description = "print JMH's own options and exit")
        boolean jmhHelp;

        @Parameters(arity = "0..*", paramLabel = "JMH-ARGS", description = "passed to JMH")
        List<String> jmh = new ArrayList<>();

        Options(CommandLines.Work<Options> work) {
            super(work);
        }
    }

    public static void main(String[] args) {
        System.exit(commandLine(TinymlBench::bench).execute(args));
    }

    /** The parser: options it does not know (JMH's, e.g. -wi 5) are JMH arguments; JMH refusing them is exit 2. */
    static CommandLine commandLine(CommandLines.Work<Options> work) {
        CommandLine cl = CommandLines.of(new Options(work), CommandLineOptionException.class);
        cl.setUnmatchedOptionsArePositionalParams(true);
        return cl;
    }

    static int bench(Options o) throws Exception {
        if (o.jmhHelp) {
            new CommandLineOptions().showHelp();
            return 0;
        }
        if (o.cpu) {
            cpuTime();
            return 0;
        }
        String[] args = o.jmh.toArray(String[]::new);
        org.openjdk.jmh.runner.options.Options options;
        if (args.length == 0) {
            options = new OptionsBuilder().include(InferenceBenchmarks.class.getName()).forks(1).threads(1)
                    .jvmArgsAppend("--add-modules", "jdk.incubator.vector")
                    .warmupIterations(10).warmupTime(TimeValue.seconds(2))
                    .measurementIterations(5).measurementTime(TimeValue.seconds(2)).build();
        } else {
            CommandLineOptions cli = new CommandLineOptions(args);
            options = new OptionsBuilder().parent(cli).include(InferenceBenchmarks.class.getName()).threads(1)
                    .jvmArgsAppend("--add-modules", "jdk.incubator.vector").build();
        }
        Collection<RunResult> results = new Runner(options).run();
        Map<String, Double> medianMs = new LinkedHashMap<>();
        for (RunResult r : results) {
            String name = r.getParams().getBenchmark();
            name = name.substring(name.lastIndexOf('.') + 1);
            double p50 = r.getPrimaryResult().getStatistics().getPercentile(50);
            medianMs.put(name, p50 / 1000.0); // microseconds -> ms
        }
        long macs = ModelFacts.of(SyntheticCnn.build(42)).macs();
        long stMacs = ModelFacts.of(BenchModels.singTown()).macs();
        System.out.println();
        System.out.println("== tinyml benchmark (single thread, median per inference) ==");
        print(medianMs, "singTownInt8", "SingTown 96x96 int8 (tinyml)", stMacs);
        print(medianMs, "cnn10MmacInt8", "32x32 CNN int8 (tinyml)", macs);
        print(medianMs, "cnn10MmacTfFloat", "32x32 CNN float (TensorFlow Java)", macs);
        Double i8 = medianMs.get("cnn10MmacInt8");
        Double tf = medianMs.get("cnn10MmacTfFloat");
        if (i8 != null && tf != null) {
            System.out.printf("ratio TF float / tinyml int8 on the same CNN: %.2f (> 1 means tinyml is faster)%n",
                    tf / i8);
            System.out.printf("goal <= 2 ms per 10 MMAC: tinyml %.2f ms per 10 MMAC -> %s%n",
                    i8 * 1e7 / macs, i8 * 1e7 / macs <= 2.0 ? "met" : "NOT met");
        }
        System.out.println("(wall-clock medians; `./maskgate bench tinyml --cpu` prints CPU time per inference)");
        return 0;
    }

    /**
     * Process CPU time per inference (after warm-up), which the other engineers' load on this shared machine does
     * not inflate the way wall-clock medians are inflated.
     */
    static void cpuTime() throws Exception {
        InferenceBenchmarks.Models m = new InferenceBenchmarks.Models();
        m.setUp();
        InferenceBenchmarks b = new InferenceBenchmarks();
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        String[] names = {"singTownInt8", "cnn10MmacInt8", "cnn10MmacTfFloat"};
        System.out.println("process CPU time per inference (500 runs after 1000 warm-up, this JVM):");
        for (String n : names) {
            Runnable r = switch (n) {
                case "singTownInt8" -> () -> b.singTownInt8(m);
                case "cnn10MmacInt8" -> () -> b.cnn10MmacInt8(m);
                default -> () -> b.cnn10MmacTfFloat(m);
            };
            for (int i = 0; i < 1000; i++) {
                r.run();
            }
            long t0 = os.getProcessCpuTime();
            for (int i = 0; i < 500; i++) {
                r.run();
            }
            System.out.printf("  %-18s %8.3f ms CPU%n", n, (os.getProcessCpuTime() - t0) / 500e6);
        }
        m.tearDown();
    }

    private static void print(Map<String, Double> m, String key, String label, long macs) {
        Double ms = m.get(key);
        if (ms != null) {
            System.out.printf("%-36s %8.3f ms  (%.1f MMAC, %.2f GMAC/s)%n", label, ms, macs / 1e6,
                    macs / (ms * 1e6));
        }
    }
}
