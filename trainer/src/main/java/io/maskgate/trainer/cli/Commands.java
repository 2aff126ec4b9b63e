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
import java.util.Set;

/** Subcommands other than train (quantize, report, evaluate-float). */
final class Commands {
    private Commands() {
    }

    static boolean dispatch(String sub, String[] args, PrintStream out) throws IOException {
        switch (sub) {
            case "evaluate-float" -> evaluateFloat(args, out);
            case "quantize" -> quantize(args, out);
            case "report" -> report(args, out);
            default -> {
                return false;
            }
        }
        return true;
    }

    /**
     * {@code quantize --saved-model DIR --out FILE [--data DIR] [--calibration N] [--seed S]}: full-integer PTQ
     * calibrated on N seeded training images, written with tinyml's writer, then checked against the float model
     * on the validation split.
     */
    static PostTrainingQuantization.Result quantize(String[] argv, PrintStream out) throws IOException {
        Args a = new Args("quantize", argv, 1, Set.of("saved-model", "out", "data", "calibration", "seed"), Set.of());
        Path model = Path.of(a.required("saved-model"));
        Path file = Path.of(a.required("out"));
        Path data = a.has("data") ? Path.of(a.get("data", "")) : DataPaths.datasets().resolve("facemask-12k");
        int calibration = a.intValue("calibration", 500, 1);
        long seed = a.longValue("seed", 42);
        try (FloatModel m = FloatModel.load(model)) {
            ImageSet train = ImageSet.load(data.resolve("train"));
            PostTrainingQuantization.Result r = PostTrainingQuantization.run(m, train, calibration, seed, file);
            Path parent = file.toAbsolutePath().getParent();
            TrainCommand.json().writeValue(parent.resolve("quantization.json").toFile(), java.util.Map.of(
                    "model", file.getFileName().toString(), "calibrationImages", r.calibrationImages(),
                    "calibrationSeed", seed, "calibrationSource", data.resolve("train").getFileName().toString(),
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
    static void report(String[] argv, PrintStream out) throws IOException {
        Args a = new Args("report", argv, 1, Set.of("models", "out", "data", "retrain", "variants", "retrain-v2",
                        "retrain-of"),
                Set.of("door-only", "rescore"));
        Path models = Path.of(a.get("models", DataPaths.repoRoot().resolve("models").toString()));
        if (!java.nio.file.Files.isDirectory(models)) {
            throw new io.maskgate.trainer.data.DataException("models folder not found: " + models);
        }
        Path data = a.has("data") ? Path.of(a.get("data", "")) : DataPaths.datasets();
        Path report = Path.of(a.get("out", models.resolve("REPORT.md").toString()));
        ImageSet test = ImageSet.load(data.resolve("facemask-12k").resolve("test"));
        ImageSet obs = ImageSet.load(data.resolve("observations"));
        ReportGenerator gen = new ReportGenerator(models, test, obs, out);
        if (a.has("retrain")) {
            gen.withRetrain(Path.of(a.get("retrain", "")));
        }
        java.util.Map<String, Path> variants = new java.util.LinkedHashMap<>();
        for (String v : a.get("variants", "").split(",")) {
            if (v.isBlank()) {
                continue;
            }
            int eq = v.indexOf('=');
            if (eq <= 0) {
                throw new UsageException("--variants takes NAME=DIR[,NAME=DIR...], got '" + v + "'");
            }
            variants.put(v.substring(0, eq).trim(), Path.of(v.substring(eq + 1).trim()));
        }
        if (!a.has("door-only")) {
            gen.generate(report);
        } else if (!java.nio.file.Files.isRegularFile(report)) {
            throw new io.maskgate.trainer.data.DataException("--door-only needs an existing " + report);
        }
        var door = new io.maskgate.trainer.report.door.DoorReport(models, data, out).rescoringAll(a.has("rescore"))
                .generate(variants, a.has("retrain-v2") ? Path.of(a.get("retrain-v2", "")) : null,
                        a.get("retrain-of", io.maskgate.trainer.report.door.DoorReport.V2));
        String head = java.nio.file.Files.readString(report, java.nio.charset.StandardCharsets.UTF_8);
        int cut = head.indexOf(io.maskgate.trainer.report.door.DoorReport.SECTION);
        java.nio.file.Files.writeString(report, (cut < 0 ? head : head.substring(0, cut)) + door.markdown(),
                java.nio.charset.StandardCharsets.UTF_8);
        out.println("wrote " + report + " (door threshold " + door.choice().threshold() + ")");
    }

    /** {@code evaluate-float --saved-model DIR --data DIR [--json]}: float SavedModel metrics on a labelled folder. */
    static void evaluateFloat(String[] argv, PrintStream out) {
        Args a = new Args("evaluate-float", argv, 1, Set.of("saved-model", "data"), Set.of("json"));
        Path model = Path.of(a.required("saved-model"));
        Path data = Path.of(a.required("data"));
        ImageSet set = ImageSet.load(data);
        try (FloatModel m = FloatModel.load(model)) {
            Metrics r = FloatEvaluation.run(m, set).metrics();
            if (a.has("json")) {
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
