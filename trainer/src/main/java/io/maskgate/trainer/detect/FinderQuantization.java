package io.maskgate.trainer.detect;

import io.maskgate.tinyml.facts.ModelFacts;
import io.maskgate.tinyml.finder.FinderSpec;
import io.maskgate.tinyml.interpreter.Interpreter;
import io.maskgate.tinyml.interpreter.TensorInfo;
import io.maskgate.tinyml.model.ModelFormatException;
import io.maskgate.tinyml.model.TfliteModel;
import io.maskgate.tinyml.writer.TfliteWriter;
import io.maskgate.trainer.quant.ActivationRanges;
import io.maskgate.trainer.quant.Int8Model;
import io.maskgate.trainer.quant.Int8Quantizer;
import io.maskgate.trainer.train.TrainConfig;
import io.maskgate.trainer.train.Weights;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The finder's int8 export with the trainer's quantiser: calibrate every probed activation on N seeded train
 * photos as the door sees them (letterboxed), quantise ({@link Int8Quantizer}, square input, LOGISTIC output
 * {@code face_grid}), write with tinyml's writer and read back. Then compare tinyml's int8 (TFLM arithmetic)
 * with the float graph on the val photos and print the model facts.
 */
public final class FinderQuantization {
    public static final String OUTPUT = "face_grid";

    private FinderQuantization() {
    }

    public static TfliteModel quantize(FinderGraph graph, FinderNet net, Weights w, List<FinderSample> calibration) {
        Map<String, float[]> ranges = new LinkedHashMap<>();
        int px = FinderSpec.INPUT * FinderSpec.INPUT * 3;
        for (int from = 0; from < calibration.size(); from += 32) {
            int n = Math.min(32, calibration.size() - from);
            float[] batch = new float[n * px];
            for (int i = 0; i < n; i++) {
                System.arraycopy(calibration.get(from + i).pixels(), 0, batch, i * px, px);
            }
            for (Map.Entry<String, float[]> e : graph.probe(batch, n).entrySet()) {
                float[] r = ranges.computeIfAbsent(e.getKey(), k -> new float[] {0f, 0f});
                for (float v : e.getValue()) {
                    r[0] = Math.min(r[0], v);
                    r[1] = Math.max(r[1], v);
                }
            }
        }
        return Int8Quantizer.quantize(net.asNetwork(), FinderSpec.INPUT, OUTPUT, w,
                ActivationRanges.of(ranges, calibration.size()));
    }

    static void run(FinderNet net, Path weightsFile, Path out, Path data, int calibration, PrintStream log)
            throws IOException {
        Weights w = WeightsFile.read(weightsFile);
        SceneSet train = SceneSet.load(data.resolve("train"));
        SceneSet val = SceneSet.load(data.resolve("val"));
        List<Scene> pool = new ArrayList<>(train.scenes());
        Collections.shuffle(pool, new Random(42));
        List<FinderSample> cal = new ArrayList<>();
        for (Scene s : pool.subList(0, Math.min(calibration, pool.size()))) {
            cal.add(SampleRenderer.plain(s));
        }
        TrainConfig tc = TrainConfig.defaults(net.arch(), 1, 42);
        try (FinderGraph graph = new FinderGraph(net, tc)) {
            graph.load(w);
            TfliteModel model = quantize(graph, net, w, cal);
            Path parent = out.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            TfliteWriter.write(model, out);
            TfliteModel back = Int8Model.load(out).model();
            if (!back.sameGraph(model)) {
                throw new IllegalStateException("written finder does not read back identically: " + out);
            }
            ModelFacts facts = ModelFacts.of(back);
            log.printf("wrote %s: %,d bytes, %,d params, %,d MACs, arena %,d bytes, ops %s; calibrated on %d train photos%n",
                    out, facts.fileBytes(), facts.params(), facts.macs(), facts.arenaBytes(), facts.ops(), cal.size());
            compare(graph, back, val, log);
        } catch (ModelFormatException e) {
            throw new IOException("quantised finder does not load: " + e.getMessage(), e);
        }
    }

    /** int8 (tinyml, TFLM) against float on every val photo: score-channel difference and decoded metrics. */
    static void compare(FinderGraph graph, TfliteModel model, SceneSet val, PrintStream log) throws ModelFormatException {
        Interpreter it = new Interpreter(model);
        TensorInfo in = it.input();
        TensorInfo o = it.output();
        io.maskgate.tinyml.image.ImagePreprocessor pre = new io.maskgate.tinyml.image.ImagePreprocessor(in);
        int per = FinderSpec.GRID * FinderSpec.GRID * FinderSpec.CHANNELS;
        double maxDiff = 0;
        double sumDiff = 0;
        long count = 0;
        List<FinderSample> samples = new ArrayList<>();
        for (Scene s : val.scenes()) {
            samples.add(SampleRenderer.plain(s));
        }
        for (FinderSample s : samples) {
            float[] f = graph.predict(s.pixels(), 1);
            float[] rgb = s.pixels().clone();
            for (int i = 0; i < rgb.length; i++) {
                rgb[i] *= 255f;
            }
            byte[] q = it.invoke(pre.quantize(rgb));
            for (int i = 0; i < per; i += FinderSpec.CHANNELS) {
                double d = Math.abs(o.dequantize(q[i]) - f[i]);
                maxDiff = Math.max(maxDiff, d);
                sumDiff += d;
                count++;
            }
        }
        log.printf("int8 vs float on %d val photos: score channel mean |diff| %.4f, max %.4f%n", samples.size(),
                sumDiff / count, maxDiff);
        log.println("float: " + FinderTrainer.evaluate(graph, val, samples, 0).line());
    }
}
