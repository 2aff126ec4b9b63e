package io.maskgate.trainer.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.maskgate.tinyml.interpreter.Arithmetic;
import io.maskgate.tinyml.model.OperatorSpec;
import io.maskgate.tinyml.model.TfliteModel;
import io.maskgate.tinyml.writer.TfliteWriter;
import io.maskgate.trainer.data.Batch;
import io.maskgate.trainer.data.BatchProducer;
import io.maskgate.trainer.data.ImageSet;
import io.maskgate.trainer.export.FloatEvaluation;
import io.maskgate.trainer.export.FloatModel;
import io.maskgate.trainer.model.Architectures;
import io.maskgate.trainer.model.Network;
import io.maskgate.trainer.quant.Int8Model;
import io.maskgate.trainer.quant.TfliteReference;
import io.maskgate.trainer.train.TrainingRecord;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Computes every architecture's figures from its trained artifacts (float SavedModel through TensorFlow, int8
 * .tflite through tinyml's interpreter and TensorFlow Lite's reference runtime) and renders {@code REPORT.md}.
 * Architectures whose artifacts are absent (baselines are not in git) keep the row recorded in
 * {@code metrics/<arch>.json} by an earlier run.
 */
public final class ReportGenerator {
    public static final String TINY_DIR = "maskgate-tiny-v1";
    /** The real-faces model (see the door section of the report); its card is written like v1's. */
    public static final String V2_DIR = "maskgate-tiny-v2";

    private final Path models;
    private final ImageSet test;
    private final ImageSet observations;
    private final PrintStream log;

    public ReportGenerator(Path models, ImageSet test, ImageSet observations, PrintStream log) {
        this.models = models;
        this.test = test;
        this.observations = observations;
        this.log = log;
    }

    public static Path artifactDir(Path models, String arch) {
        return "tiny".equals(arch) ? models.resolve(TINY_DIR) : models.resolve("baselines").resolve(arch);
    }

    public static ObjectMapper json() {
        return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    }

    private Path retrain;

    /** A second training of tiny with the recorded seed, evaluated for the reproducibility line. */
    public ReportGenerator withRetrain(Path dir) {
        this.retrain = dir;
        return this;
    }

    /** Regenerates metrics JSON (where artifacts exist), the tiny model card and REPORT.md. */
    public Map<String, ModelReport> generate(Path reportFile) throws IOException {
        Map<String, ModelReport> rows = new LinkedHashMap<>();
        Files.createDirectories(models.resolve("metrics"));
        for (String arch : Architectures.NAMES) {
            Path dir = artifactDir(models, arch);
            Path metricsFile = models.resolve("metrics").resolve(arch + ".json");
            if (Files.isRegularFile(dir.resolve("model.tflite")) && Files.isDirectory(dir.resolve("saved_model"))) {
                log.println("evaluating " + arch + " from " + models.relativize(dir) + " ...");
                ModelReport r = measure(arch, dir);
                json().writeValue(metricsFile.toFile(), r);
                rows.put(arch, r);
            } else if (Files.isRegularFile(metricsFile)) {
                log.println(arch + ": no artifacts in " + models.relativize(dir) + ", using recorded "
                        + models.relativize(metricsFile));
                rows.put(arch, json().readValue(metricsFile.toFile(), ModelReport.class));
            } else {
                log.println(arch + ": not trained (no " + models.relativize(dir) + ", no recorded metrics)");
            }
        }
        if (rows.containsKey("tiny")) {
            ModelCard.write(artifactDir(models, "tiny"), rows.get("tiny"), test, observations);
        }
        Path v2 = models.resolve(V2_DIR);
        if (Files.isRegularFile(v2.resolve("model.tflite")) && Files.isDirectory(v2.resolve("saved_model"))) {
            log.println("evaluating " + V2_DIR + " ...");
            String arch = io.maskgate.trainer.report.door.DoorReport.archOf(v2, null);
            ModelCard.write(v2, measure(arch, v2), test, observations);
        }
        Path retrainFile = models.resolve("metrics").resolve("tiny-retrain.json");
        if (retrain != null) {
            log.println("evaluating the tiny retrain in " + retrain + " ...");
            json().writeValue(retrainFile.toFile(), measure("tiny", retrain));
        }
        ModelReport retrained = Files.isRegularFile(retrainFile)
                ? json().readValue(retrainFile.toFile(), ModelReport.class) : null;
        Files.writeString(reportFile, ReportMarkdown.render(rows, retrained, test, observations),
                StandardCharsets.UTF_8);
        return rows;
    }

    ModelReport measure(String arch, Path dir) throws IOException {
        Network net = Architectures.byName(arch);
        TrainingRecord rec = Files.isRegularFile(dir.resolve("training.json"))
                ? json().readValue(dir.resolve("training.json").toFile(), TrainingRecord.class) : null;
        Path tflite = dir.resolve("model.tflite");
        Int8Model q = Int8Model.load(tflite);
        try (FloatModel f = FloatModel.load(dir.resolve("saved_model"))) {
            if (!f.network().arch().equals(arch)) {
                throw new IllegalStateException(dir + " holds a " + f.network().arch() + " model, expected " + arch);
            }
            Pair t = evaluate(f, q, test);
            Pair o = evaluate(f, q, observations);
            String ref = "not run (tool missing)";
            if (TfliteReference.available()) {
                TfliteReference.Comparison c = TfliteReference.compare(tflite, q, test.images(), Arithmetic.TFLM);
                TfliteReference.Comparison r = TfliteReference.compare(tflite, q, test.images(),
                        Arithmetic.TFLITE_REFERENCE);
                Path cut = Files.createTempFile("logits-", ".tflite");
                try {
                    TfliteWriter.write(withoutLastOp(q.model()), cut);
                    TfliteReference.Comparison l = TfliteReference.compare(cut, new Int8Model(withoutLastOp(q.model())),
                            test.images());
                    ref = String.format(Locale.ROOT, "%d test images; TFLM arithmetic (the camera): %s, logits "
                                    + "(graph cut before LOGISTIC) max |diff| %d LSB, histogram %s; TFLITE_REFERENCE "
                                    + "arithmetic (TFLite's rounding): %s", c.images(), summary(c), l.maxAbsDiff(),
                            Arrays.toString(l.histogram()), summary(r));
                } finally {
                    Files.deleteIfExists(cut);
                }
            }
            long savedModelBytes = directoryBytes(dir.resolve("saved_model"));
            String where = dir.toAbsolutePath().startsWith(models.toAbsolutePath())
                    ? models.toAbsolutePath().relativize(dir.toAbsolutePath()).toString() : dir.toString();
            return new ModelReport(arch, where, net.parameterCount(), net.macs(),
                    ModelReport.H7_MACS_PER_SECOND / net.macs(), savedModelBytes, net.parameterCount() * 4,
                    Files.size(tflite), q.arenaBytes(), t.floatScores, t.int8Scores, t.agreement, t.maxDiff,
                    o.floatScores, o.int8Scores, o.agreement, presetOf(rec),
                    rec == null ? 0 : rec.epochs(), rec == null ? 0 : rec.bestEpoch(),
                    rec == null ? 0 : rec.trainSeconds(), rec == null ? 0 : rec.secondsPerEpoch(),
                    rec == null ? 0 : rec.seed(), rec == null ? 0 : (rec.loadAverageStart() + rec.loadAverageEnd()) / 2,
                    ref, Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(), GitInfo.head(models));
        }
    }

    private static String summary(TfliteReference.Comparison c) {
        int values = Arrays.stream(c.histogram()).sum();
        return String.format(Locale.ROOT, "output max |diff| %d LSB, within 1 LSB %d/%d (%.1f%%), exactly equal %d, "
                        + "histogram of |diff| %s", c.maxAbsDiff(), c.within(1), values, 100.0 * c.within(1) / values,
                c.within(0), Arrays.toString(c.histogram()));
    }

    private record Pair(Scores floatScores, Scores int8Scores, double agreement, double maxDiff) {
    }

    private static Pair evaluate(FloatModel f, Int8Model q, ImageSet set) {
        FloatEvaluation fe = FloatEvaluation.run(f, set);
        int n = set.size();
        int[] pred = new int[n];
        int same = 0;
        double maxDiff = 0;
        float[] p = q.predict(set.images());
        for (int i = 0; i < n; i++) {
            pred[i] = p[i] >= 0.5f ? 1 : 0;
            int fd = fe.probabilities()[i] >= 0.5f ? 1 : 0;
            same += fd == pred[i] ? 1 : 0;
            maxDiff = Math.max(maxDiff, Math.abs(p[i] - fe.probabilities()[i]));
        }
        return new Pair(Scores.of(fe.metrics()), Scores.of(Metrics.of(fe.truth(), pred)), (double) same / n,
                maxDiff);
    }

    /** Name of the augmentation preset a run used, recognised from its recorded description. */
    public static String presetOf(TrainingRecord rec) {
        if (rec == null || rec.augmentation() == null) {
            return "unknown";
        }
        for (io.maskgate.trainer.data.Augmenter.Preset p : io.maskgate.trainer.data.Augmenter.Preset.values()) {
            String name = p.name().toLowerCase(Locale.ROOT);
            if (rec.augmentation().equals(p.description()) || rec.augmentation().equals(name + ": " + p.description())) {
                return name;
            }
        }
        return "custom";
    }

    /** The same graph ending at the input of its last op (the logit tensor, before LOGISTIC). */
    static TfliteModel withoutLastOp(TfliteModel m) {
        List<OperatorSpec> ops = m.operators().subList(0, m.operators().size() - 1);
        int out = ops.get(ops.size() - 1).outputs()[0];
        return new TfliteModel(m.tensors(), ops, m.inputs(), new int[] {out}, m.version(), m.description(), 0);
    }

    static long directoryBytes(Path dir) throws IOException {
        try (var s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }
}
