package io.maskgate.trainer.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.maskgate.trainer.data.Augmenter;
import io.maskgate.trainer.data.DataPaths;
import io.maskgate.trainer.data.ImageSet;
import io.maskgate.trainer.data.Label;
import io.maskgate.trainer.data.TrainingData;
import io.maskgate.trainer.export.SavedModelExporter;
import io.maskgate.trainer.model.Architectures;
import io.maskgate.trainer.model.Network;
import io.maskgate.trainer.train.TrainConfig;
import io.maskgate.trainer.train.Trainer;
import io.maskgate.trainer.train.TrainingRecord;
import io.maskgate.trainer.train.TrainingRun;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code model train --arch A --epochs N --seed S --out DIR [--data DIR] [--limit N] [--threads T]}:
 * trains, exports {@code DIR/saved_model} and writes {@code DIR/training.json}.
 */
public final class TrainCommand {
    /** The data options beyond the v1 recipe; {@link #v1()} is what the shipped v1 model was trained with. */
    public record DataOptions(List<Path> extraTrain, int extraWeight, List<Path> extraVal, boolean incorrectAsNoMask,
                              double pasteMasks, double pasteChin, boolean balance, List<Integer> snapshotEpochs,
                              double timeBudgetMinutes) {
        public static DataOptions v1() {
            return new DataOptions(List.of(), 1, List.of(), false, 0, 0, false, List.of(), 0);
        }
    }

    private TrainCommand() {
    }

    /** {@code model train}: the options; {@link #call} is where training starts. */
    @Command(name = "train", mixinStandardHelpOptions = true,
            description = "Train with TensorFlow Java, export DIR/saved_model and write DIR/training.json.")
    static final class Train implements Callable<Integer> {
        private final PrintStream out;

        @Option(names = "--arch", required = true, paramLabel = "tiny|squeezenet|squeezenet-mod")
        String arch;

        @Option(names = "--epochs", defaultValue = "30", paramLabel = "N", description = "default ${DEFAULT-VALUE}")
        int epochs;

        @Option(names = "--seed", defaultValue = "42", paramLabel = "S", description = "default ${DEFAULT-VALUE}")
        long seed;

        @Option(names = "--out", required = true, paramLabel = "DIR")
        Path outDir;

        @Option(names = "--data", paramLabel = "DIR", description = "facemask-12k root (default: "
                + "$MASKGATE_DATA/facemask-12k)")
        Path data;

        @Option(names = "--limit", paramLabel = "N", description = "at most N images per class (short runs, CI)")
        Integer limit;

        @Option(names = "--threads", paramLabel = "T",
                description = "TensorFlow intra-op threads (default 1 = bit-reproducible)")
        Integer threads;

        @Option(names = "--augment", defaultValue = "camera", paramLabel = "camera|geometry|strong",
                description = "camera (default, v1's recipe) | geometry | strong (v2)")
        String augment;

        @Option(names = "--extra-train", split = ",", paramLabel = "DIR", description = "more training folders "
                + "laid out like the datasets (mask/, no_mask/, optional incorrect/)")
        List<Path> extraTrain;

        @Option(names = "--extra-weight", defaultValue = "1", paramLabel = "N",
                description = "each extra image is seen N times per epoch (default ${DEFAULT-VALUE})")
        int extraWeight;

        @Option(names = "--extra-val", split = ",", paramLabel = "DIR",
                description = "more validation sets; epochs are then chosen on the mean balanced accuracy over all")
        List<Path> extraVal;

        @Option(names = "--incorrect", defaultValue = "skip", paramLabel = "skip|no_mask",
                description = "train incorrect/ folders as no_mask (default ${DEFAULT-VALUE})")
        String incorrect;

        @Option(names = "--paste-masks", defaultValue = "0", paramLabel = "F",
                description = "counterfactual masks painted on a fraction F of facemask-12k's no_mask train "
                        + "faces (label mask)")
        String pasteMasks;

        @Option(names = "--paste-chin", defaultValue = "0", paramLabel = "F",
                description = "chin masks below the nose on a fraction F of them (label no_mask)")
        String pasteChin;

        @Option(names = "--balance", description = "class-balanced sampling (minority images repeated)")
        boolean balance;

        @Option(names = "--label-smoothing", paramLabel = "E", description = "train towards y(1-E)+E/2 instead of "
                + "0/1, so confident scores stay spread over the int8 output's top steps (default 0)")
        double labelSmoothing;

        @Option(names = "--snapshot-epochs", paramLabel = "K[,K...]", description = "also export the best of "
                + "epochs 1..K to DIR/epoch-K/")
        String snapshotEpochs = "";

        @Option(names = "--time-budget", defaultValue = "0", paramLabel = "MIN",
                description = "stop after the epoch that would overrun MIN minutes (0: none)")
        int timeBudget;

        Train(PrintStream out) {
            this.out = out;
        }

        @Override
        public Integer call() throws IOException {
            train();
            return 0;
        }

        TrainingRecord train() throws IOException {
            Network net = Architectures.byName(arch);
            atLeast("epochs", epochs, 1);
            Path dir = data != null ? data : DataPaths.datasets().resolve("facemask-12k");
            int perClass = limit == null ? Integer.MAX_VALUE : atLeast("limit", limit, 1);
            TrainConfig d = TrainConfig.defaults(net.arch(), epochs, seed);
            int t = threads == null ? d.intraOpThreads() : atLeast("threads", threads, 1);
            if (!(labelSmoothing >= 0 && labelSmoothing < 1)) {
                throw new UsageException("--label-smoothing must be in [0, 1), got " + labelSmoothing);
            }
            TrainConfig cfg = d.with(t, Augmenter.Preset.byName(augment)).withLabelSmoothing(labelSmoothing);
            if (!incorrect.equals("skip") && !incorrect.equals("no_mask")) {
                throw new UsageException("--incorrect must be skip or no_mask, got '" + incorrect + "'");
            }
            DataOptions opts = new DataOptions(orEmpty(extraTrain), atLeast("extra-weight", extraWeight, 1),
                    orEmpty(extraVal),
                    incorrect.equals("no_mask"), fraction("paste-masks", pasteMasks),
                    fraction("paste-chin", pasteChin), balance, snapshots(snapshotEpochs),
                    atLeast("time-budget", timeBudget, 0));
            return TrainCommand.train(net, cfg, dir, perClass, outDir, out, opts);
        }
    }

    private static List<Path> orEmpty(List<Path> paths) {
        return paths == null ? List.of() : paths;
    }

    /** {@code value} unless it is below {@code min}: a usage error naming the option. */
    static int atLeast(String option, int value, int min) {
        if (value < min) {
            throw new UsageException("--" + option + " must be at least " + min + ", got " + value);
        }
        return value;
    }

    private static List<Integer> snapshots(String csv) {
        try {
            return csv.isBlank() ? List.of() : java.util.Arrays.stream(csv.split(",")).map(String::trim)
                    .map(Integer::parseInt).toList();
        } catch (NumberFormatException e) {
            throw new UsageException("--snapshot-epochs takes epoch numbers, e.g. 6,9; got '" + csv + "'");
        }
    }

    private static double fraction(String key, String v) {
        try {
            double f = Double.parseDouble(v);
            if (!(f >= 0 && f <= 1)) {
                throw new UsageException("--" + key + " must be a fraction in [0, 1], got " + v);
            }
            return f;
        } catch (NumberFormatException e) {
            throw new UsageException("--" + key + " must be a fraction in [0, 1], got '" + v + "'");
        }
    }

    public static TrainingRecord train(Network net, TrainConfig cfg, Path data, int limit, Path outDir,
                                       PrintStream out) throws IOException {
        return train(net, cfg, data, limit, outDir, out, DataOptions.v1());
    }

    public static TrainingRecord train(Network net, TrainConfig cfg, Path data, int limit, Path outDir,
                                       PrintStream out, DataOptions opts) throws IOException {
        TrainingData td = TrainingData.build(data.resolve("train"), opts.extraTrain(), opts.extraWeight(),
                opts.incorrectAsNoMask(), opts.pasteMasks(), opts.pasteChin(), opts.balance(), limit, cfg.seed());
        ImageSet train = td.set();
        ImageSet val = ImageSet.load(data.resolve("val"), limit, cfg.seed());
        Map<String, ImageSet> vals = new LinkedHashMap<>();
        vals.put(DataPaths.setName(data.resolve("val")), val);
        for (Path p : opts.extraVal()) {
            vals.put(DataPaths.setName(p), ImageSet.load(p, limit, cfg.seed()));
        }
        boolean meanBalanced = !opts.extraVal().isEmpty();
        out.printf("%s: %,d parameters, %,d MACs; train %d per epoch (mask %d, no_mask %d; %s), val %s%n",
                net.arch(), net.parameterCount(), net.macs(), train.size(), train.count(Label.MASK),
                train.count(Label.NO_MASK), td.recipe(), vals.keySet());
        double load0 = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        TrainingRun run = new Trainer(cfg, out).train(net, train, vals, meanBalanced, soFar -> {
            int epoch = soFar.history().size();
            if (opts.snapshotEpochs().contains(epoch) && epoch < cfg.epochs()) {
                Path dir = outDir.resolve("epoch-" + epoch);
                out.println("snapshot: the best of epochs 1.." + epoch + " (what --epochs " + epoch
                        + " exports) -> " + dir);
                save(net, cfg, td, val, vals, meanBalanced, data, soFar, epoch, load0, dir, out);
            }
            if (opts.timeBudgetMinutes() > 0) {
                double mean = soFar.totalSeconds() / epoch;
                if (soFar.totalSeconds() + mean > 60 * opts.timeBudgetMinutes()) {
                    out.printf("time budget of %.0f min would be exceeded by another epoch%n", opts.timeBudgetMinutes());
                    return false;
                }
            }
            return true;
        });
        return save(net, cfg, td, val, vals, meanBalanced, data, run, run.history().size(), load0, outDir, out);
    }

    /** Exports the run's best weights and writes training.json; {@code epochs} is the run's length so far. */
    private static TrainingRecord save(Network net, TrainConfig cfg, TrainingData td, ImageSet val,
                                       Map<String, ImageSet> vals, boolean meanBalanced, Path data, TrainingRun run,
                                       int epochs, double load0, Path outDir, PrintStream out) throws IOException {
        ImageSet train = td.set();
        double load1 = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        Files.createDirectories(outDir);
        SavedModelExporter.export(net, run.best(), outDir.resolve("saved_model"));
        double perEpoch = run.history().stream().mapToDouble(e -> e.seconds()).average().orElse(0);
        TrainingRecord rec = new TrainingRecord(net.arch(), cfg.seed(), epochs, cfg.batchSize(),
                cfg.learningRate(), cfg.beta1(), cfg.beta2(), cfg.epsilon(), cfg.plateauPatience(),
                cfg.plateauFactor(), cfg.intraOpThreads(), cfg.augmentThreads(),
                cfg.augmentation().name().toLowerCase(java.util.Locale.ROOT) + ": " + cfg.augmentation().description(),
                "facemask-12k/train", train.count(Label.MASK), train.count(Label.NO_MASK), "facemask-12k/val",
                val.count(Label.MASK), val.count(Label.NO_MASK), net.parameterCount(), net.macs(), run.bestEpoch(),
                run.bestValAccuracy(), run.totalSeconds(), perEpoch, load0, load1,
                Runtime.getRuntime().availableProcessors(), run.history(), td.recipe(),
                List.copyOf(vals.keySet()), meanBalanced ? "mean balanced accuracy over the validation sets"
                        : "accuracy on " + DataPaths.setName(data.resolve("val")),
                cfg.labelSmoothing() == 0 ? null : cfg.labelSmoothing());
        json().writeValue(outDir.resolve("training.json").toFile(), rec);
        out.printf("best epoch %d, val accuracy %.2f%%, %.1f s total (%.1f s/epoch); saved %s%n", run.bestEpoch(),
                100 * run.bestValAccuracy(), run.totalSeconds(), perEpoch, outDir.resolve("saved_model"));
        return rec;
    }

    static ObjectMapper json() {
        return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    }
}
