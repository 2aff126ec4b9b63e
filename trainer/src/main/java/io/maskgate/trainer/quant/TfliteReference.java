package io.maskgate.trainer.quant;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.maskgate.tinyml.interpreter.Arithmetic;
import io.maskgate.trainer.data.Batch;
import io.maskgate.trainer.data.BatchProducer;
import io.maskgate.trainer.data.DataException;
import io.maskgate.trainer.data.DataPaths;
import io.maskgate.trainer.data.SourceImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a .tflite with TensorFlow Lite itself ({@code ../shared/tools/tflite-ref}) on the same int8 input
 * tensors our interpreter gets and compares the raw int8 outputs: the proof that the file we write is a valid
 * TFLite model and that tinyml computes what TFLite computes.
 */
public final class TfliteReference {
    private TfliteReference() {
    }

    /** Output differences in LSB: histogram of |diff| (index 0..maxDiff) and the maximum. */
    public record Comparison(int images, int maxAbsDiff, int[] histogram) {
        public int within(int lsb) {
            int n = 0;
            for (int i = 0; i <= Math.min(lsb, histogram.length - 1); i++) {
                n += histogram[i];
            }
            return n;
        }
    }

    public static Path tool() {
        return DataPaths.repoRoot().resolve("../shared/tools/tflite-ref/tflite-ref").normalize();
    }

    public static boolean available() {
        return Files.isExecutable(tool());
    }

    /** Compares with {@code ours} in its own arithmetic (TFLM unless it was built otherwise). */
    public static Comparison compare(Path tflite, Int8Model ours, List<SourceImage> images) throws IOException {
        return compare(tflite, ours, images, ours.arithmetic());
    }

    /**
     * Compares with our interpreter in the given arithmetic: {@link Arithmetic#TFLM} shows how far the camera's
     * arithmetic is from TFLite, {@link Arithmetic#TFLITE_REFERENCE} proves file and runtime match TFLite.
     */
    public static Comparison compare(Path tflite, Int8Model model, List<SourceImage> images, Arithmetic arithmetic)
            throws IOException {
        Int8Model ours = model.arithmetic() == arithmetic ? model : new Int8Model(model.model(), arithmetic);
        if (!available()) {
            throw new DataException("TFLite reference tool not found: " + tool());
        }
        Path dir = Files.createTempDirectory("tflite-ref-");
        try {
            List<String> cmd = new ArrayList<>(List.of(tool().toString(), tflite.toAbsolutePath().toString()));
            List<byte[]> expected = new ArrayList<>();
            int k = 0;
            for (Batch b : BatchProducer.plain(images, 64)) {
                int px = b.pixels().length / b.size();
                for (int i = 0; i < b.size(); i++) {
                    byte[] in = ours.quantizeInput(b.pixels(), i * px);
                    Path f = dir.resolve(String.format("in%05d.bin", k++));
                    Files.write(f, in);
                    cmd.add(f.toString());
                    expected.add(ours.invokeRaw(in));
                }
            }
            Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String stdout = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int rc = p.waitFor();
            if (rc != 0) {
                throw new IOException("tflite-ref exited with " + rc);
            }
            ObjectMapper json = new ObjectMapper();
            int[] hist = new int[256];
            int max = 0;
            int line = 0;
            for (String l : stdout.split("\n")) {
                if (l.isBlank()) {
                    continue;
                }
                JsonNode out = json.readTree(l).get("outputs").get(0);
                byte[] ourOut = expected.get(line++);
                for (int j = 0; j < ourOut.length; j++) {
                    int d = Math.abs(out.get(j).asInt() - ourOut[j]);
                    hist[Math.min(d, 255)]++;
                    max = Math.max(max, d);
                }
            }
            if (line != expected.size()) {
                throw new IOException("tflite-ref returned " + line + " results for " + expected.size() + " inputs");
            }
            int[] trimmed = java.util.Arrays.copyOf(hist, max + 1);
            return new Comparison(line, max, trimmed);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } finally {
            try (var s = Files.walk(dir)) {
                s.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }
}
