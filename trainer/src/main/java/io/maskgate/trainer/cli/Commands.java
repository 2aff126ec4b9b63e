package io.maskgate.trainer.cli;

import io.maskgate.trainer.data.DataPaths;
import io.maskgate.trainer.data.ImageSet;
import io.maskgate.trainer.data.SourceImage;
import io.maskgate.trainer.quant.Agreement;
import io.maskgate.trainer.quant.TfliteReference;
import java.util.List;
import io.maskgate.trainer.quant.Int8Model;
import io.maskgate.trainer.quant.PostTrainingQuantization;
import io.maskgate.trainer.export.FloatEvaluation;
import io.maskgate.trainer.export.FloatModel;
import io.maskgate.trainer.report.Metrics;
import io.maskgate.trainer.report.ReportGenerator;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Subcommands other than train (quantize, report, evaluate-float): their options; work starts in call(). */
final class Commands {
    private Commands() {
    }

    /**
     * {@code quantize --saved-model DIR --out FILE [--data DIR] [--calibration N] [--seed S]}: full-integer PTQ
     * calibrated on N seeded training images, written with tinyml's writer, then checked against the float model
     * on the validation split.
     */
    @Command(name = "quantize", mixinStandardHelpOptions = true,
            description = "Full-integer post-training quantisation of a SavedModel to an int8 .tflite.")
    static final class Quantize implements Callable<Integer> {
        private final PrintStream out;

        @Option(names = "--saved-model", required = true, paramLabel = "DIR")
        Path model;

        @Option(names = "--out", required = true, paramLabel = "FILE")
        Path file;

        @Option(names = "--data", paramLabel = "DIR", description = "facemask-12k root (calibration: train, "
                + "check: val)")
        Path data;

        @Option(names = "--calibration", defaultValue = "500", paramLabel = "N",
                description = "calibration images (default ${DEFAULT-VALUE})")
        int calibration;

        @Option(names = "--seed", defaultValue = "42", paramLabel = "S", description = "default ${DEFAULT-VALUE}")
        long seed;

        @Option(names = "--extra-calibration", paramLabel = "DIR", description = "another training folder "
                + "(DIR/mask, DIR/no_mask) drawn from with facemask-12k/train, e.g. the --extra-train of the run, so "
                + "activation ranges cover the faces the model was trained on (repeatable)")
        List<Path> extraCalibration = new java.util.ArrayList<>();

        Quantize(PrintStream out) {
            this.out = out;
        }

        @Override
        public Integer call() throws IOException {
            quantize(model, file, data != null ? data : DataPaths.datasets().resolve("facemask-12k"),
                    TrainCommand.atLeast("calibration", calibration, 1), seed, extraCalibration, out);
            return 0;
        }
    }

    static PostTrainingQuantization.Result quantize(Path model, Path file, Path data, int calibration, long seed,
                                                    List<Path> extraCalibration, PrintStream out) throws IOException {
        try (FloatModel m = FloatModel.load(model)) {
            List<SourceImage> pool = new java.util.ArrayList<>(
                    ImageSet.load(data.resolve("train")).images());
            StringBuilder source = new StringBuilder("train");
            for (Path extra : extraCalibration) {
                pool.addAll(ImageSet.load(extra).images());
                source.append(" + ").append(DataPaths.setName(extra));
            }
            ImageSet train = ImageSet.of(data.resolve("train"), pool);
            PostTrainingQuantization.Result r = PostTrainingQuantization.run(m, train, calibration, seed, file);
            Path parent = file.toAbsolutePath().getParent();
            TrainCommand.json().writeValue(parent.resolve("quantization.json").toFile(), java.util.Map.of(
                    "model", file.getFileName().toString(), "calibrationImages", r.calibrationImages(),
                    "calibrationSeed", seed, "calibrationSource", source.toString(),
                    "bytes", r.bytes()));
            Int8Model q = new Int8Model(r.model());
            ImageSet val = ImageSet.load(data.resolve("val"));
            Agreement ag = Agreement.measure(m, q, val);
            out.printf(Locale.ROOT, "wrote %s: %,d bytes, %d ops, arena %,d bytes; calibrated on %d training images%n",
                    file, r.bytes(), r.model().operators().size(), q.arenaBytes(), r.calibrationImages());
            out.printf(Locale.ROOT, "val: float acc %.2f%%, int8 acc %.2f%%, int8/float agreement %.2f%%, "
                            + "max |dp| %.4f%n", 100 * ag.floatAccuracy(), 100 * ag.int8Accuracy(),
                    100 * ag.agreement(), ag.maxAbsDiff());
            if (TfliteReference.available()) {
                List<SourceImage> sample = val.images().subList(0, Math.min(200, val.size()));
                TfliteReference.Comparison c = TfliteReference.compare(file, q, sample);
                out.printf(Locale.ROOT, "TFLite reference on %d val images: max |diff| %d LSB, within 1 LSB %d/%d, "
                        + "|diff| histogram %s%n", c.images(), c.maxAbsDiff(), c.within(1), c.images(),
                        java.util.Arrays.toString(c.histogram()));
            }
            return r;
        }
    }

    /** {@code report [--models DIR] [--out FILE] [--data DIR]}: regenerates metrics, model card and REPORT.md. */
    @Command(name = "report", mixinStandardHelpOptions = true,
            description = "Regenerate the metrics, model cards and models/REPORT.md (with its door section).")
    static final class Report implements Callable<Integer> {
        private final PrintStream out;

        @Option(names = "--models", paramLabel = "DIR", description = "default: models/ of the repository")
        Path models;

        @Option(names = "--out", paramLabel = "FILE", description = "default: MODELS/REPORT.md")
        Path report;

        @Option(names = "--data", paramLabel = "DIR", description = "datasets root (default $MASKGATE_DATA)")
        Path data;

        @Option(names = "--retrain", paramLabel = "DIR",
                description = "also evaluate a second tiny training (reproducibility line)")
        Path retrain;

        @Option(names = "--variants", paramLabel = "NAME=DIR[,NAME=DIR...]",
                description = "v2 ablation runs (kept outside git) to measure")
        String variants = "";

        @Option(names = "--retrain-v2", paramLabel = "DIR", description = "a retrain of v2 (or of a variant) with "
                + "its recorded recipe and seed: reproducibility line")
        Path retrainV2;

        @Option(names = "--retrain-of", paramLabel = "NAME", description = "what --retrain-v2 retrained "
                + "(default ${DEFAULT-VALUE})")
        String retrainOf = io.maskgate.trainer.report.door.DoorReport.V2;

        @Option(names = "--door-only", description = "only regenerate the door section (rows of unchanged model "
                + "files are reused from models/metrics/door/)")
        boolean doorOnly;

        @Option(names = "--rescore",
                description = "door section: score every model again (no rows reused from models/metrics/door/)")
        boolean rescore;

        Report(PrintStream out) {
            this.out = out;
        }

        @Override
        public Integer call() throws IOException {
            report(this, out);
            return 0;
        }
    }

    static void report(Report a, PrintStream out) throws IOException {
        Path models = a.models != null ? a.models : DataPaths.repoRoot().resolve("models");
        if (!java.nio.file.Files.isDirectory(models)) {
            throw new io.maskgate.trainer.data.DataException("models folder not found: " + models);
        }
        Path data = a.data != null ? a.data : DataPaths.datasets();
        Path report = a.report != null ? a.report : models.resolve("REPORT.md");
        ImageSet test = ImageSet.load(data.resolve("facemask-12k").resolve("test"));
        ImageSet obs = ImageSet.load(data.resolve("observations"));
        ReportGenerator gen = new ReportGenerator(models, test, obs, out);
        if (a.retrain != null) {
            gen.withRetrain(a.retrain);
        }
        java.util.Map<String, Path> variants = new java.util.LinkedHashMap<>();
        for (String v : a.variants.split(",")) {
            if (v.isBlank()) {
                continue;
            }
            int eq = v.indexOf('=');
            if (eq <= 0) {
                throw new UsageException("--variants takes NAME=DIR[,NAME=DIR...], got '" + v + "'");
            }
            variants.put(v.substring(0, eq).trim(), Path.of(v.substring(eq + 1).trim()));
        }
        if (!a.doorOnly) {
            gen.generate(report);
        } else if (!java.nio.file.Files.isRegularFile(report)) {
            throw new io.maskgate.trainer.data.DataException("--door-only needs an existing " + report);
        }
        var door = new io.maskgate.trainer.report.door.DoorReport(models, data, out).rescoringAll(a.rescore)
                .generate(variants, a.retrainV2, a.retrainOf);
        String head = java.nio.file.Files.readString(report, java.nio.charset.StandardCharsets.UTF_8);
        int cut = head.indexOf(io.maskgate.trainer.report.door.DoorReport.SECTION);
        java.nio.file.Files.writeString(report, (cut < 0 ? head : head.substring(0, cut)) + door.markdown(),
                java.nio.charset.StandardCharsets.UTF_8);
        out.println("wrote " + report + " (door threshold " + door.choice().threshold() + ")");
    }

    /** {@code evaluate-float --saved-model DIR --data DIR [--json]}: float SavedModel metrics on a labelled folder. */
    @Command(name = "evaluate-float", mixinStandardHelpOptions = true,
            description = "Metrics of a float SavedModel on a labelled folder (DIR/mask, DIR/no_mask).")
    static final class EvaluateFloat implements Callable<Integer> {
        private final PrintStream out;

        @Option(names = "--saved-model", required = true, paramLabel = "DIR")
        Path model;

        @Option(names = "--data", required = true, paramLabel = "DIR")
        Path data;

        @Option(names = "--json", description = "one JSON line instead of the summary")
        boolean json;

        EvaluateFloat(PrintStream out) {
            this.out = out;
        }

        @Override
        public Integer call() {
            evaluateFloat(model, data, json, out);
            return 0;
        }
    }

    static void evaluateFloat(Path model, Path data, boolean json, PrintStream out) {
        ImageSet set = ImageSet.load(data);
        try (FloatModel m = FloatModel.load(model)) {
            Metrics r = FloatEvaluation.run(m, set).metrics();
            if (json) {
                out.println(((com.fasterxml.jackson.databind.node.ObjectNode) TrainCommand.json().valueToTree(r)).put("accuracy", r.accuracy()).toString());
            } else {
                out.printf(Locale.ROOT, "%s on %s: %d images, accuracy %.2f%%; mask P %.4f R %.4f F1 %.4f; "
                                + "no_mask P %.4f R %.4f F1 %.4f%n", m.network().arch(), data, r.total(),
                        100 * r.accuracy(), r.maskPrecision(), r.maskRecall(), r.maskF1(), r.noMaskPrecision(),
                        r.noMaskRecall(), r.noMaskF1());
            }
        }
    }
}
