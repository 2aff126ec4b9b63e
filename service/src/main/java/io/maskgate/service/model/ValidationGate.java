package io.maskgate.service.model;

import io.maskgate.protocol.Hashes;
import io.maskgate.protocol.SelfTest;
import io.maskgate.service.ota.OtaProperties;
import io.maskgate.tinyml.facts.ModelFacts;
import io.maskgate.tinyml.image.ImagePreprocessor;
import io.maskgate.tinyml.interpreter.Arithmetic;
import io.maskgate.tinyml.interpreter.Interpreter;
import io.maskgate.tinyml.interpreter.TensorInfo;
import io.maskgate.tinyml.model.ModelFormatException;
import io.maskgate.tinyml.model.TensorType;
import io.maskgate.tinyml.model.TfliteModel;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.springframework.stereotype.Component;

/**
 * The content gate every model passes before any unit sees it: it runs the model with TensorFlow Lite Micro's
 * int8 arithmetic (tinyml, bit-exact with the camera) and checks, in order: the file parses; its size is within the
 * limit; it uses only ops the firmware registers; it runs (int8 in, int8 out); its arena fits the RAM budget; its
 * accuracy on the validation folders is at least the deployed model's minus the margin. Then it computes the
 * self-test vectors for the manifest. A failed check stops the ones that need it; the report says why.
 */
@Component
public class ValidationGate {

    /** A model to compare against: the deployed one. */
    public record Baseline(String version, byte[] tflite, String labels) {
    }

    private final OtaProperties.Gate config;
    private final Path data;
    private final Map<Path, BufferedImage> images = new ConcurrentHashMap<>();

    public ValidationGate(OtaProperties properties) {
        this.config = properties.gate();
        this.data = properties.data();
    }

    public GateReport evaluate(String version, byte[] tflite, String labels, Baseline baseline) {
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
            return done(version, sha, tflite, checks, null, null, List.of(), t0);
        }
        checks.add(new GateReport.Check("size", tflite.length <= config.maxModelBytes(), tflite.length
                + " bytes, limit " + config.maxModelBytes()));
        ModelFacts facts;
        try {
            facts = ModelFacts.of(model);
        } catch (ModelFormatException | RuntimeException e) {
            checks.add(new GateReport.Check("runs", false, "cannot plan the model: " + e.getMessage()));
            return done(version, sha, tflite, checks, null, null, List.of(), t0);
        }
        GateReport.Facts f = new GateReport.Facts(facts.opCounts().keySet().stream().toList(), facts.params(),
                facts.macs(), facts.arenaBytes(), facts.macs() == 0 ? 0 : config.macsPerSecond() / facts.macs(),
                facts.input().toString(), facts.output().toString());
        List<String> unsupported = f.ops().stream().filter(op -> !config.supportedOps().contains(op)).toList();
        checks.add(new GateReport.Check("ops", unsupported.isEmpty(), unsupported.isEmpty()
                ? "all of " + f.ops() + " are supported by the firmware"
                : "not supported by the firmware: " + unsupported));
        if (!unsupported.isEmpty()) {
            return done(version, sha, tflite, checks, f, null, List.of(), t0);
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
            return done(version, sha, tflite, checks, f, null, List.of(), t0);
        }
        checks.add(new GateReport.Check("arena", facts.arenaBytes() <= config.arenaBudgetBytes(),
                facts.arenaBytes() + " bytes, budget " + config.arenaBudgetBytes()));
        GateReport.Accuracy accuracy;
        try {
            Score mine = score(interpreter, labels);
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
            return done(version, sha, tflite, checks, f, null, List.of(), t0);
        }
        List<String> selfTests = new ArrayList<>();
        for (int i = 0; i < config.selfTests(); i++) {
            String seed = sha.substring(i * 2, i * 2 + 14) + String.format("%02x", i);
            byte[] input = SelfTest.input(seed, interpreter.input().elementCount());
            selfTests.add(seed + ":" + HexFormat.of().formatHex(interpreter.invoke(input)));
        }
        return done(version, sha, tflite, checks, f, accuracy, selfTests, t0);
    }

    private GateReport done(String version, String sha, byte[] tflite, List<GateReport.Check> checks,
                            GateReport.Facts facts, GateReport.Accuracy accuracy, List<String> selfTests, long t0) {
        boolean passed = checks.stream().allMatch(GateReport.Check::passed);
        return new GateReport(version, sha, tflite.length, passed, List.copyOf(checks), facts, accuracy,
                passed ? List.copyOf(selfTests) : List.of(), (System.nanoTime() - t0) / 1_000_000);
    }

    private record Score(int images, int correct) {
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
                    if (predicted == li) {
                        correct++;
                    }
                }
            }
        }
        if (n == 0) {
            throw new IOException("no validation images under " + config.validation());
        }
        return new Score(n, correct);
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
