package io.maskgate.tinyml.crosscheck;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.maskgate.tinyml.TestPaths;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs TensorFlow Lite Micro itself ({@code ../shared/tools/tflm-ref}, TFLM built from source, with its reference
 * or CMSIS-NN kernels) on raw input tensors. Its first use may build the tool (about 5 minutes per flavour) when
 * the prebuilt binaries do not match the sources. When it cannot run, tests fail under CI=true and are skipped
 * with the reason elsewhere.
 */
final class TflmRef {
    private static final Pattern OUTPUTS = Pattern.compile("\"outputs\":\\s*\\[\\[([^\\]]*)\\]");
    private static final long TIMEOUT_SECONDS = 1200;
    private static final java.util.Map<String, String> UNAVAILABLE = new java.util.HashMap<>();
    private final Path tool;
    private final String kernels;

    private TflmRef(Path tool, String kernels) {
        this.tool = tool;
        this.kernels = kernels;
    }

    /** @param kernels {@code reference} or {@code cmsis-nn} */
    static synchronized TflmRef requireAvailable(Path anyModel, String kernels) {
        Path tool = TestPaths.shared().resolve("tools/tflm-ref/tflm-ref");
        String unavailable = UNAVAILABLE.computeIfAbsent(kernels, k -> probe(tool, anyModel, k));
        if (!unavailable.isEmpty()) {
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail("TensorFlow Lite Micro cross-check cannot run under CI: " + unavailable);
            }
            assumeTrue(false, "SKIPPED TensorFlow Lite Micro cross-check: " + unavailable);
        }
        return new TflmRef(tool, kernels);
    }

    private static String probe(Path tool, Path anyModel, String kernels) {
        if (!Files.isExecutable(tool)) {
            return "tflm-ref not found at " + tool;
        }
        try {
            Process p = new ProcessBuilder(tool.toString(), "--kernels", kernels, "--info", anyModel.toString())
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            // first use may build TFLM from source (g++) into ~/.cache/tflm-ref
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return "tflm-ref --info timed out (building TFLM?)";
            }
            return p.exitValue() == 0 ? "" : "tflm-ref --info exited with " + p.exitValue() + " (g++ missing?)";
        } catch (IOException e) {
            return "cannot start tflm-ref: " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    /** Raw int8 outputs (first output tensor, flattened) for each input tensor, in order. */
    List<int[]> run(Path model, List<byte[]> inputs, Path workDir) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(tool.toString(), "--kernels", kernels, model.toString()));
        for (int i = 0; i < inputs.size(); i++) {
            Path f = workDir.resolve("tflm-in" + i + ".bin");
            Files.write(f, inputs.get(i));
            cmd.add(f.toString());
        }
        Path outFile = workDir.resolve("tflm-out.jsonl");
        Process p = new ProcessBuilder(cmd).redirectOutput(outFile.toFile())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("tflm-ref timed out on " + model);
        }
        if (p.exitValue() != 0) {
            fail("tflm-ref exited with " + p.exitValue() + " on " + model);
        }
        List<int[]> results = new ArrayList<>();
        for (String line : Files.readAllLines(outFile, StandardCharsets.UTF_8)) {
            Matcher m = OUTPUTS.matcher(line);
            if (m.find()) {
                String body = m.group(1).trim();
                String[] parts = body.isEmpty() ? new String[0] : body.split(",");
                int[] v = new int[parts.length];
                for (int i = 0; i < parts.length; i++) {
                    v[i] = Integer.parseInt(parts[i].trim());
                }
                results.add(v);
            }
        }
        if (results.size() != inputs.size()) {
            fail("tflm-ref gave " + results.size() + " results for " + inputs.size() + " inputs");
        }
        return results;
    }
}
