package io.maskgate.trainer.detect;

import io.maskgate.tinyml.cli.CommandLines;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ./maskgate model train-finder|quantize-finder}: the face finder's training and int8 export. Bad input
 * ends with a one-line error (exit 1), a usage error with exit 2; {@code --help} prints the usage and starts
 * nothing.
 */
@Command(name = "maskgate model", mixinStandardHelpOptions = true,
        description = "Train and quantise the face finder (trainer/README.md, face finder).")
public final class FinderCli implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    private FinderCli() {
    }

    /** Where the scene photos are: --data, default $MASKGATE_DATA/ilc-2021-scenes. */
    static class DataOption {
        @Option(names = "--data", paramLabel = "DIR", description = "ilc-2021-scenes root (default: "
                + "$MASKGATE_DATA/ilc-2021-scenes)")
        Path data;

        Path data() {
            return data != null ? data : Path.of(defaultData());
        }
    }

    @Command(name = "train-finder", mixinStandardHelpOptions = true, description = "Train the face finder.")
    static final class Train implements Callable<Integer> {
        private final PrintStream out;

        @CommandLine.Mixin
        DataOption data = new DataOption();

        @Option(names = "--out", required = true, paramLabel = "DIR")
        Path dir;

        @Option(names = "--epochs", defaultValue = "60", paramLabel = "N", description = "default ${DEFAULT-VALUE}")
        int epochs;

        @Option(names = "--arch", defaultValue = "finder-v2", paramLabel = "finder-v2|finder-v1",
                description = "default ${DEFAULT-VALUE}")
        String arch;

        @Option(names = "--pool", defaultValue = "6000", paramLabel = "N",
                description = "pre-rendered samples (default ${DEFAULT-VALUE})")
        int pool;

        @Option(names = "--samples", defaultValue = "2048", paramLabel = "N",
                description = "samples per epoch (default ${DEFAULT-VALUE})")
        int samples;

        @Option(names = "--batch", defaultValue = "32", paramLabel = "N", description = "default ${DEFAULT-VALUE}")
        int batch;

        @Option(names = "--lr", defaultValue = "0.002", paramLabel = "X", description = "default ${DEFAULT-VALUE}")
        double lr;

        @Option(names = "--seed", defaultValue = "42", paramLabel = "S", description = "default ${DEFAULT-VALUE}")
        long seed;

        @Option(names = "--threads", defaultValue = "1", paramLabel = "T", description = "default ${DEFAULT-VALUE}")
        int threads;

        @Option(names = "--deadline", paramLabel = "ISO-8601-INSTANT",
                description = "stop before an epoch that would pass this instant; the cosine schedule then runs "
                        + "on time, not epochs")
        Instant deadline;

        @Option(names = "--average", defaultValue = "0", paramLabel = "D",
                description = "keep an exponential moving average of the weights with this per-step decay "
                        + "(e.g. 0.998) and evaluate, keep and write the average; 0 = off (default)")
        double average;

        @Option(names = "--max-false", defaultValue = "0", paramLabel = "P",
                description = "compare epochs at the lowest score threshold with at most P false detections per "
                        + "val photo (e.g. 0.2) instead of at the default 0.7; 0 = off (default)")
        double maxFalse;

        Train(PrintStream out) {
            this.out = out;
        }

        @Override
        public Integer call() throws IOException {
            if (maxFalse < 0) {
                throw new IllegalArgumentException("--max-false must be 0 (off) or more, got " + maxFalse);
            }
            if (average != 0 && !(average > 0 && average < 1)) {
                throw new IllegalArgumentException("--average must be 0 (off) or in (0, 1), got " + average);
            }
            FinderTrainer.Config cfg = new FinderTrainer.Config(atLeast1("epochs", epochs),
                    atLeast1("samples", samples), atLeast1("batch", batch), lr, seed, atLeast1("threads", threads),
                    deadline == null ? 0 : deadline.toEpochMilli(), atLeast1("pool", pool), average,
                    maxFalse);
            FinderNet net = FinderNet.byName(arch);
            Path scenes = data.data();
            out.printf("finder %s: %,d params, %,d MACs; loading scenes from %s%n", net.arch(),
                    net.parameterCount(), net.macs(), scenes);
            SceneSet train = SceneSet.load(scenes.resolve("train"));
            SceneSet val = SceneSet.load(scenes.resolve("val"));
            out.printf("train %d photos / %d faces, val %d photos / %d faces%n", train.scenes().size(),
                    train.faceCount(), val.scenes().size(), val.faceCount());
            new FinderTrainer(cfg, out).train(net, train, val, dir);
            return 0;
        }
    }

    @Command(name = "quantize-finder", mixinStandardHelpOptions = true,
            description = "Quantise trained finder weights to an int8 .tflite.")
    static final class Quantize implements Callable<Integer> {
        private final PrintStream out;

        @CommandLine.Mixin
        DataOption data = new DataOption();

        @Option(names = "--weights", required = true, paramLabel = "FILE")
        Path weights;

        @Option(names = "--out", required = true, paramLabel = "FILE")
        Path file;

        @Option(names = "--arch", defaultValue = "finder-v2", paramLabel = "A", description = "default ${DEFAULT-VALUE}")
        String arch;

        @Option(names = "--calibration", defaultValue = "300", paramLabel = "N",
                description = "calibration photos (default ${DEFAULT-VALUE})")
        int calibration;

        Quantize(PrintStream out) {
            this.out = out;
        }

        @Override
        public Integer call() throws IOException {
            FinderQuantization.run(FinderNet.byName(arch), weights, file, data.data(),
                    atLeast1("calibration", calibration), out);
            return 0;
        }
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        CommandLine cl = CommandLines.of(new CommandLine(new FinderCli()).addSubcommand(new Train(out))
                .addSubcommand(new Quantize(out)), IllegalArgumentException.class);
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args);
    }

    @Override
    public Integer call() {
        return CommandLines.missingSubcommand(spec);
    }

    private static String defaultData() {
        String env = System.getenv("MASKGATE_DATA");
        return (env == null || env.isBlank() ? "../shared/datasets" : env) + "/ilc-2021-scenes";
    }

    private static int atLeast1(String key, int n) {
        if (n < 1) {
            throw new IllegalArgumentException("--" + key + " must be at least 1");
        }
        return n;
    }
}
