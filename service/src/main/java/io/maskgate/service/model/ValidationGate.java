package io.maskgate.service.model;

import io.maskgate.protocol.Hashes;
import io.maskgate.protocol.SelfTest;
import io.maskgate.service.ota.OtaProperties;
import io.maskgate.service.verify.VerifyProperties;
import io.maskgate.tinyml.facts.ModelFacts;
import io.maskgate.tinyml.image.ImagePreprocessor;
import io.maskgate.tinyml.interpreter.Arithmetic;
import io.maskgate.tinyml.interpreter.Interpreter;
import io.maskgate.tinyml.interpreter.TensorInfo;
import io.maskgate.tinyml.model.ModelFormatException;
import io.maskgate.tinyml.model.TensorType;
import io.maskgate.tinyml.model.TfliteModel;
import io.maskgate.verifier.Crops;
import io.maskgate.verifier.model.FloatNetwork;
import io.maskgate.verifier.model.ModelLoadException;
import io.maskgate.verifier.model.ServingModel;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Stream;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;
import org.springframework.util.ClassUtils;

/**
 * The content gate every model passes before any unit sees it: it runs the model with TensorFlow Lite Micro's
 * int8 arithmetic (tinyml, bit-exact with the camera) and checks, in order: the file parses; its size is within the
 * limit; it uses only ops the firmware registers; it runs (int8 in, int8 out); its arena fits the RAM budget; its
 * accuracy on the validation folders is at least the deployed model's minus the margin; when a float SavedModel
 * came with it, the float model gives the same label as the int8 one on at least the configured share of those
 * images (the float model re-verifies the int8 one on the doors; a pair that disagrees makes that check noise).
 * Then it computes the self-test vectors for the manifest. A failed check stops the ones that need it; the report
 * says why.
 */
@Component
public class ValidationGate {

    /** A model to compare against: the deployed one. */
    public record Baseline(String version, byte[] tflite, String labels) {
    }

    private final OtaProperties.Gate config;
    private final Path data;
    private final Path workDir;
    private final long maxFloatModelBytes;
    /** Loads a float SavedModel folder; null when TensorFlow Java is not on the class path. */
    private final Function<Path, FloatNetwork> floatLoader;
    private final Map<Path, BufferedImage> images = new ConcurrentHashMap<>();

    @Autowired
    public ValidationGate(OtaProperties properties, VerifyProperties verify) {
        this(properties, verify, ClassUtils.isPresent("org.tensorflow.SavedModelBundle",
                ValidationGate.class.getClassLoader()) ? ServingModel::load : null);
    }

    /** With a custom float loader (null: as without TensorFlow Java). */
    ValidationGate(OtaProperties properties, VerifyProperties verify, Function<Path, FloatNetwork> floatLoader) {
        this.config = properties.gate();
        this.data = properties.data();
        this.workDir = verify.modelCache().resolve("gate");
        this.maxFloatModelBytes = verify.maxFloatModelBytes().toBytes();
        this.floatLoader = floatLoader;
    }

    /** Gates a model without a float model (agreement not measured). */
    public GateReport evaluate(String version, byte[] tflite, String labels, Baseline baseline) {
        return evaluate(version, tflite, labels, baseline, null);
    }

    /**
     * Gates a model.
     *
     * @param floatZip its float SavedModel as a zip ({@link FloatModelZip}), or null
     */
    public GateReport evaluate(String version, byte[] tflite, String labels, Baseline baseline, byte[] floatZip) {
        long t0 = System.nanoTime();
        List<GateReport.Check> checks = new ArrayList<>();
        String sha = Hashes.sha256Hex(tflite);
        TfliteModel model;
        try {
            model = TfliteModel.read(tflite);
            checks.add(new GateReport.Check("parses", true, "TFLite flatbuffer, " + model.operators().size()
                    + " operators"));
        } catch (ModelFormatException | RuntimeException e) {
            checks.add(new GateReport.Check("parses", false, "not a readable TFLite model: " + e.getMessage()));
            return done(version, sha, tflite, checks, null, null, null, List.of(), t0);
        }
        checks.add(new GateReport.Check("size", tflite.length <= config.maxModelBytes(), tflite.length
                + " bytes, limit " + config.maxModelBytes()));
        ModelFacts facts;
        try {
            facts = ModelFacts.of(model);
        } catch (ModelFormatException | RuntimeException e) {
            checks.add(new GateReport.Check("runs", false, "cannot plan the model: " + e.getMessage()));
            return done(version, sha, tflite, checks, null, null, null, List.of(), t0);
        }
        GateReport.Facts f = new GateReport.Facts(facts.opCounts().keySet().stream().toList(), facts.params(),
                facts.macs(), facts.arenaBytes(), facts.macs() == 0 ? 0 : config.macsPerSecond() / facts.macs(),
                facts.input().toString(), facts.output().toString());
        List<String> unsupported = f.ops().stream().filter(op -> !config.supportedOps().contains(op)).toList();
        checks.add(new GateReport.Check("ops", unsupported.isEmpty(), unsupported.isEmpty()
                ? "all of " + f.ops() + " are supported by the firmware"
                : "not supported by the firmware: " + unsupported));
        if (!unsupported.isEmpty()) {
            return done(version, sha, tflite, checks, f, null, null, List.of(), t0);
        }
        Interpreter interpreter;
        try {
            interpreter = new Interpreter(model, Arithmetic.TFLM);
            TensorInfo in = interpreter.input();
            TensorInfo out = interpreter.output();
            if (in.type() != TensorType.INT8 || out.type() != TensorType.INT8) {
                throw new IllegalArgumentException("input and output must be int8, got " + in.type() + " / "
                        + out.type());
            }
            interpreter.invoke(new byte[in.elementCount()]);
            checks.add(new GateReport.Check("runs", true, "TFLite Micro int8 arithmetic, input " + in + ", output "
                    + out));
        } catch (ModelFormatException | RuntimeException e) {
            checks.add(new GateReport.Check("runs", false, "does not run with TFLite Micro arithmetic: "
                    + e.getMessage()));
            return done(version, sha, tflite, checks, f, null, null, List.of(), t0);
        }
        long ram = tflite.length + (long) facts.arenaBytes();
        boolean ramFits = config.maxModelRamBytes() <= 0 || ram <= config.maxModelRamBytes();
        checks.add(new GateReport.Check("arena", facts.arenaBytes() <= config.arenaBudgetBytes() && ramFits,
                facts.arenaBytes() + " bytes, budget " + config.arenaBudgetBytes()
                        + (config.maxModelRamBytes() <= 0 ? "" : "; file + arena " + ram + " bytes, the camera's limit "
                        + config.maxModelRamBytes() + (ramFits ? "" : " (the unit would refuse it as over budget)"))));
        GateReport.Accuracy accuracy;
        Score mine;
        try {
            mine = score(interpreter, labels);
            Double base = null;
            Double min = null;
            if (baseline != null) {
                Interpreter b = new Interpreter(TfliteModel.read(baseline.tflite()), Arithmetic.TFLM);
                base = score(b, baseline.labels()).percent();
                min = base - config.accuracyMarginPoints();
            }
            accuracy = new GateReport.Accuracy(mine.images, mine.correct, mine.percent(),
                    baseline == null ? null : baseline.version(), base, min, config.validation());
            boolean ok = min == null || mine.percent() >= min - 1e-9;
            checks.add(new GateReport.Check("accuracy", ok, String.format(java.util.Locale.ROOT,
                    "%.2f %% on %d validation images%s", mine.percent(), mine.images, baseline == null
                            ? " (first model: nothing to compare with)"
                            : String.format(java.util.Locale.ROOT, "; deployed %s: %.2f %%, minimum %.2f %%",
                            baseline.version(), base, min))));
        } catch (IOException | ModelFormatException | RuntimeException e) {
            checks.add(new GateReport.Check("accuracy", false, "cannot evaluate: " + e.getMessage()));
            return done(version, sha, tflite, checks, f, null, null, List.of(), t0);
        }
        GateReport.Agreement agreement = agreement(version, floatZip, mine.samples(), interpreter.output()
                .elementCount(), checks);
        if (checks.stream().anyMatch(c -> !c.passed())) {
            return done(version, sha, tflite, checks, f, accuracy, agreement, List.of(), t0);
        }
        List<String> selfTests = new ArrayList<>();
        for (int i = 0; i < config.selfTests(); i++) {
            String seed = sha.substring(i * 2, i * 2 + 14) + String.format("%02x", i);
            byte[] input = SelfTest.input(seed, interpreter.input().elementCount());
            selfTests.add(seed + ":" + HexFormat.of().formatHex(interpreter.invoke(input)));
        }
        return done(version, sha, tflite, checks, f, accuracy, agreement, selfTests, t0);
    }

    private GateReport done(String version, String sha, byte[] tflite, List<GateReport.Check> checks,
                            GateReport.Facts facts, GateReport.Accuracy accuracy, GateReport.Agreement agreement,
                            List<String> selfTests, long t0) {
        boolean passed = checks.stream().allMatch(GateReport.Check::passed);
        return new GateReport(version, sha, tflite.length, passed, List.copyOf(checks), facts, accuracy, agreement,
                passed ? List.copyOf(selfTests) : List.of(), (System.nanoTime() - t0) / 1_000_000);
    }

    /**
     * Runs the float model on the images the int8 model was scored on, with the preprocessing the verifier uses
     * ({@link ImagePreprocessor#floatPixels}: the same resize and pixel / 255 whose quantisation fed the int8
     * model), and compares labels (float: mask probability >= 0.5 is the second label, as the int8 model's single
     * output and the verifier read it). Adds the {@code agreement} check when it was measured or when the
     * uploaded float model is unusable; without a float model or TensorFlow Java nothing is refused.
     */
    private GateReport.Agreement agreement(String version, byte[] floatZip, List<Sample> samples, int outputs,
                                           List<GateReport.Check> checks) {
        double min = config.minAgreementPercent();
        if (floatZip == null) {
            return new GateReport.Agreement(false, 0, 0, null, min, "not measured: no float model was uploaded "
                    + "(uncertain decisions of this version cannot be re-verified)");
        }
        if (floatLoader == null) {
            return new GateReport.Agreement(false, 0, 0, null, min, "not measured: TensorFlow Java is not on the "
                    + "service's class path (start with ./maskgate service, which adds verifier/target/lib)");
        }
        if (outputs != 1) {
            return new GateReport.Agreement(false, 0, 0, null, min, "not measured: the float models give one mask "
                    + "probability, this int8 model has " + outputs + " outputs");
        }
        Path into = workDir.resolve(version + "-" + System.nanoTime());
        int agreed = 0;
        try {
            Path dir = FloatModelZip.unpack(floatZip, null, into, maxFloatModelBytes);
            try (FloatNetwork net = floatLoader.apply(dir)) {
                int size = Crops.SIZE * Crops.SIZE * 3;
                for (int from = 0; from < samples.size(); from += 64) {
                    List<Sample> batch = samples.subList(from, Math.min(samples.size(), from + 64));
                    float[] pixels = new float[batch.size() * size];
                    for (int i = 0; i < batch.size(); i++) {
                        System.arraycopy(ImagePreprocessor.floatPixels(image(batch.get(i).file()), Crops.SIZE,
                                Crops.SIZE), 0, pixels, i * size, size);
                    }
                    float[] p = net.predict(pixels, batch.size());
                    for (int i = 0; i < batch.size(); i++) {
                        if ((p[i] >= 0.5f ? 1 : 0) == batch.get(i).int8Label()) {
                            agreed++;
                        }
                    }
                }
            }
        } catch (ModelLoadException e) {
            checks.add(new GateReport.Check("agreement", false, "the float model is unusable: " + e.getMessage()));
            return new GateReport.Agreement(false, 0, 0, null, min, e.getMessage());
        } catch (IOException | RuntimeException e) {
            checks.add(new GateReport.Check("agreement", false, "cannot run the float model: " + e.getMessage()));
            return new GateReport.Agreement(false, 0, 0, null, min, e.getMessage());
        } finally {
            FloatModelZip.delete(into);
        }
        int n = samples.size();
        double percent = 100.0 * agreed / n;
        String detail = String.format(Locale.ROOT, "int8 and float labels agree on %.2f %% of %d validation images "
                + "(%d disagree), minimum %.2f %%", percent, n, n - agreed, min);
        checks.add(new GateReport.Check("agreement", percent >= min - 1e-9, detail));
        return new GateReport.Agreement(true, n, agreed, percent, min, detail);
    }

    /** One validation image and the int8 model's label for it. */
    private record Sample(Path file, int int8Label) {
    }

    private record Score(int images, int correct, List<Sample> samples) {
        double percent() {
            return images == 0 ? 0 : 100.0 * correct / images;
        }
    }

    /** Labels from labels.txt; a single-output model's value is the probability of the second label. */
    private Score score(Interpreter interpreter, String labelsText) throws IOException {
        List<String> labels = labelsText.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
        int outputs = interpreter.output().elementCount();
        if (labels.size() != Math.max(2, outputs)) {
            throw new IllegalArgumentException("labels.txt lists " + labels.size() + " labels for " + outputs
                    + " model output(s)");
        }
        ImagePreprocessor pre = new ImagePreprocessor(interpreter.input());
        TensorInfo out = interpreter.output();
        byte[] raw = new byte[outputs];
        List<Sample> samples = new ArrayList<>();
        int n = 0;
        int correct = 0;
        for (String folder : config.validation()) {
            Path dir = data.resolve(folder);
            if (!Files.isDirectory(dir)) {
                throw new IOException("validation folder " + dir + " not found (set MASKGATE_DATA)");
            }
            for (int li = 0; li < labels.size(); li++) {
                for (Path file : sample(dir.resolve(labels.get(li)))) {
                    interpreter.invoke(pre.preprocess(image(file)), raw);
                    int predicted;
                    if (outputs == 1) {
                        predicted = out.dequantize(raw[0]) >= 0.5f ? 1 : 0;
                    } else {
                        predicted = 0;
                        for (int i = 1; i < outputs; i++) {
                            if (raw[i] > raw[predicted]) {
                                predicted = i;
                            }
                        }
                    }
                    n++;
                    samples.add(new Sample(file, predicted));
                    if (predicted == li) {
                        correct++;
                    }
                }
            }
        }
        if (n == 0) {
            throw new IOException("no validation images under " + config.validation());
        }
        return new Score(n, correct, samples);
    }

    private List<Path> sample(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<Path> all;
        try (Stream<Path> s = Files.list(dir)) {
            all = s.filter(p -> p.toString().endsWith(".jpg")).sorted().toList();
        }
        int max = config.maxImagesPerLabel();
        if (all.size() <= max) {
            return all;
        }
        List<Path> picked = new ArrayList<>(max);
        for (int i = 0; i < max; i++) {
            picked.add(all.get((int) ((long) i * all.size() / max)));
        }
        return picked;
    }

    private BufferedImage image(Path file) throws IOException {
        BufferedImage img = images.get(file);
        if (img == null) {
            img = ImagePreprocessor.decode(file);
            images.put(file, img);
        }
        return img;
    }
}
