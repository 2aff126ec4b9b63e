package io.maskgate.trainer.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.maskgate.trainer.data.Augmenter;
import io.maskgate.trainer.data.DataPaths;
import io.maskgate.trainer.data.ImageSet;
import io.maskgate.trainer.data.Label;
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
import java.util.Set;

/**
 * {@code model train --arch A --epochs N --seed S --out DIR [--data DIR] [--limit N] [--threads T]}:
 * trains, exports {@code DIR/saved_model} and writes {@code DIR/training.json}.
 */
public final class TrainCommand {
    static final Set<String> OPTIONS = Set.of("arch", "epochs", "seed", "out", "data", "limit", "threads",
            "augment");

    private TrainCommand() {
    }

    public static TrainingRecord run(String[] argv, PrintStream out) throws IOException {
        Args a = new Args("train", argv, 1, OPTIONS, Set.of());
        Network net = Architectures.byName(a.required("arch"));
        int epochs = a.intValue("epochs", 30, 1);
        long seed = a.longValue("seed", 42);
        Path outDir = Path.of(a.required("out"));
        Path data = a.has("data") ? Path.of(a.get("data", "")) : DataPaths.datasets().resolve("facemask-12k");
        int limit = a.intValue("limit", Integer.MAX_VALUE, 1);
        TrainConfig d = TrainConfig.defaults(net.arch(), epochs, seed);
        int threads = a.intValue("threads", d.intraOpThreads(), 1);
        TrainConfig cfg = d.with(threads, Augmenter.Preset.byName(a.get("augment", "camera")));
        return train(net, cfg, data, limit, outDir, out);
    }

    public static TrainingRecord train(Network net, TrainConfig cfg, Path data, int limit, Path outDir,
                                       PrintStream out) throws IOException {
        ImageSet train = ImageSet.load(data.resolve("train"), limit, cfg.seed());
        ImageSet val = ImageSet.load(data.resolve("val"), limit, cfg.seed());
        out.printf("%s: %,d parameters, %,d MACs; train %d (mask %d, no_mask %d), val %d%n", net.arch(),
                net.parameterCount(), net.macs(), train.size(), train.count(Label.MASK), train.count(Label.NO_MASK),
                val.size());
        double load0 = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        TrainingRun run = new Trainer(cfg, out).train(net, train, val);
        double load1 = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        Files.createDirectories(outDir);
        SavedModelExporter.export(net, run.best(), outDir.resolve("saved_model"));
        double perEpoch = run.history().stream().mapToDouble(e -> e.seconds()).average().orElse(0);
        TrainingRecord rec = new TrainingRecord(net.arch(), cfg.seed(), cfg.epochs(), cfg.batchSize(),
                cfg.learningRate(), cfg.beta1(), cfg.beta2(), cfg.epsilon(), cfg.plateauPatience(),
                cfg.plateauFactor(), cfg.intraOpThreads(), cfg.augmentThreads(),
                cfg.augmentation().name().toLowerCase(java.util.Locale.ROOT) + ": " + cfg.augmentation().description(),
                "facemask-12k/train", train.count(Label.MASK), train.count(Label.NO_MASK), "facemask-12k/val",
                val.count(Label.MASK), val.count(Label.NO_MASK), net.parameterCount(), net.macs(), run.bestEpoch(),
                run.bestValAccuracy(), run.totalSeconds(), perEpoch, load0, load1,
                Runtime.getRuntime().availableProcessors(), run.history());
        json().writeValue(outDir.resolve("training.json").toFile(), rec);
        out.printf("best epoch %d, val accuracy %.2f%%, %.1f s total (%.1f s/epoch); saved %s%n", run.bestEpoch(),
                100 * run.bestValAccuracy(), run.totalSeconds(), perEpoch, outDir.resolve("saved_model"));
        return rec;
    }

    static ObjectMapper json() {
        return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    }
}
