package io.maskgate.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.maskgate.tinyml.interpreter.Arithmetic;
import io.maskgate.trainer.cli.TrainCommand;
import io.maskgate.trainer.cli.TrainerCli;
import io.maskgate.trainer.data.Batch;
import io.maskgate.trainer.data.BatchProducer;
import io.maskgate.trainer.data.DataPaths;
import io.maskgate.trainer.data.ImageSet;
import io.maskgate.trainer.data.SourceImage;
import io.maskgate.trainer.model.Architectures;
import io.maskgate.trainer.model.Network;
import io.maskgate.trainer.quant.Int8Model;
import io.maskgate.trainer.quant.TfliteReference;
import io.maskgate.trainer.report.ModelReport;
import io.maskgate.trainer.report.ReportGenerator;
import io.maskgate.trainer.train.TrainConfig;
import io.maskgate.trainer.train.TrainingGraph;
import io.maskgate.trainer.export.FloatModel;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A short end-to-end run on real data (400 images per class, 2 epochs): train, float export, SavedModel in a
 * fresh JVM against the training graph, int8 quantisation with tinyml's writer, tinyml and TensorFlow Lite
 * agreement, and report generation. Proves the pipeline without a full training run.
 */
class PipelineIT {
    @TempDir
    Path tmp;

    @Test
    void trainExportQuantizeEvaluateAndReport() throws Exception {
        Path data = DataPaths.datasets().resolve("facemask-12k");
        Path models = tmp.resolve("models");
        Path out = models.resolve(ReportGenerator.TINY_DIR);
        Network net = Architectures.tiny();
        TrainConfig d = TrainConfig.defaults("tiny", 2, 5);
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream());
        var rec = TrainCommand.train(net, d, data, 400, out, quiet);
        assertEquals(2, rec.history().size());
        assertTrue(Files.isRegularFile(out.resolve("saved_model/saved_model.pb")));

        // (c) the SavedModel in a fresh JVM matches the training graph on 100 test images
        List<SourceImage> test100 = ImageSet.load(data.resolve("test")).images().subList(0, 100);
        Batch batch = BatchProducer.plain(test100, 100).get(0);
        float[] trainingGraph;
        try (FloatModel exported = FloatModel.load(out.resolve("saved_model"));
             TrainingGraph g = new TrainingGraph(net, d)) {
            g.load(exported.weights());
            trainingGraph = g.predict(batch.pixels(), batch.size());
        }
        float[] fresh = freshJvmPredictions(out.resolve("saved_model"), batch.pixels());
        assertEquals(100, fresh.length);
        double maxDiff = 0;
        for (int i = 0; i < 100; i++) {
            maxDiff = Math.max(maxDiff, Math.abs(fresh[i] - trainingGraph[i]));
        }
        assertTrue(maxDiff < 1e-5, "fresh-JVM SavedModel vs training graph max |dp| " + maxDiff);

        // int8 export through the CLI, then evaluation with tinyml
        Path tflite = out.resolve("model.tflite");
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        int rc = TrainerCli.run(new String[] {"quantize", "--saved-model", out.resolve("saved_model").toString(),
                "--out", tflite.toString(), "--data", data.toString(), "--calibration", "200"},
                new PrintStream(log), new PrintStream(log));
        assertEquals(0, rc, log.toString(StandardCharsets.UTF_8));
        Int8Model q = Int8Model.load(tflite);
        assertTrue(Files.size(tflite) < 138 * 1024);

        // report over small subsets of test and observations
        ImageSet test = ImageSet.of(data.resolve("test"), subset(ImageSet.load(data.resolve("test")), 120));
        ImageSet obs = ImageSet.of(DataPaths.observations(), subset(ImageSet.load(DataPaths.observations()), 120));
        Map<String, ModelReport> rows = new ReportGenerator(models, test, obs, quiet).generate(models.resolve("R.md"));
        ModelReport r = rows.get("tiny");
        assertTrue(r.int8Test().accuracy() > 0.6, "int8 accuracy after a short run " + r.int8Test().accuracy());
        assertTrue(r.testAgreement() > 0.9, "int8/float agreement " + r.testAgreement());
        assertEquals(q.arenaBytes(), r.arenaBytes());
        String md = Files.readString(models.resolve("R.md"));
        assertTrue(md.contains("| tiny |") && md.contains("Table 5"), md);
        assertTrue(Files.isRegularFile(out.resolve("model-card.json")));
        assertEquals("no_mask\nmask\n", Files.readString(out.resolve("labels.txt")));

        // TensorFlow Lite runs the file. The camera's TFLM arithmetic is reported; TensorFlow Lite's own rounding
        // (TFLITE_REFERENCE) must reproduce TFLite's outputs exactly (as measured), proving that the file and the
        // runtime compute what TFLite computes.
        if (TfliteReference.available()) {
            List<SourceImage> sample = test.images().subList(0, 60);
            TfliteReference.Comparison tflm = TfliteReference.compare(tflite, q, sample, Arithmetic.TFLM);
            TfliteReference.Comparison ref = TfliteReference.compare(tflite, q, sample, Arithmetic.TFLITE_REFERENCE);
            System.out.printf("TFLite vs tinyml on 60 test images: TFLM within 1 LSB %d/60, max %d, histogram %s; "
                    + "TFLITE_REFERENCE within 1 LSB %d/60, exact %d/60, max %d, histogram %s%n", tflm.within(1),
                    tflm.maxAbsDiff(), java.util.Arrays.toString(tflm.histogram()), ref.within(1), ref.within(0),
                    ref.maxAbsDiff(), java.util.Arrays.toString(ref.histogram()));
            assertEquals(60, tflm.images());
            assertEquals(60, ref.images());
            assertEquals(0, ref.maxAbsDiff(), "TFLITE_REFERENCE outputs must equal TFLite's exactly, histogram "
                    + java.util.Arrays.toString(ref.histogram()));
        }
    }

    private static List<SourceImage> subset(ImageSet s, int perClass) {
        List<SourceImage> mask = s.images().stream().filter(i -> i.label().value() == 1).limit(perClass).toList();
        List<SourceImage> none = s.images().stream().filter(i -> i.label().value() == 0).limit(perClass).toList();
        return java.util.stream.Stream.concat(mask.stream(), none.stream()).toList();
    }

    private float[] freshJvmPredictions(Path savedModel, float[] pixels) throws Exception {
        Path f = tmp.resolve("pixels.f32");
        ByteBuffer bb = ByteBuffer.allocate(pixels.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : pixels) {
            bb.putFloat(v);
        }
        Files.write(f, bb.array());
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                "io.maskgate.trainer.export.SavedModelCheck", savedModel.toString(), f.toString());
        pb.environment().put("TF_CPP_MIN_LOG_LEVEL", "2");
        pb.redirectError(ProcessBuilder.Redirect.DISCARD);
        Process p = pb.start();
        String stdout = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), stdout);
        return toFloats(stdout.lines().filter(l -> !l.isBlank()).toList());
    }

    private static float[] toFloats(List<String> lines) {
        float[] out = new float[lines.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = Float.parseFloat(lines.get(i).trim());
        }
        return out;
    }
}
