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
 * Runs TensorFlow Lite itself ({@code ../shared/tools/tflite-ref}, TFLite's WebAssembly runtime under Node.js)
 * on raw input tensors. When it cannot run, tests fail under CI=true and are skipped with the reason elsewhere.
 */
final class TfliteRef {
    private static final Pattern OUTPUTS = Pattern.compile("\"outputs\":\\[\\[([^\\]]*)\\]");
    private static String unavailable;
    private static boolean checked;
    private final Path tool;

    private TfliteRef(Path tool) {
        this.tool = tool;
    }

    static synchronized TfliteRef requireAvailable(Path anyModel) {
        Path tool = TestPaths.shared().resolve("tools/tflite-ref/tflite-ref");
        if (!checked) {
            checked = true;
            if (!Files.isExecutable(tool)) {
                unavailable = "tflite-ref not found at " + tool;
            } else {
                try {
                    Process p = new ProcessBuilder(tool.toString(), "--info", anyModel.toString())
                            .redirectErrorStream(false).redirectError(ProcessBuilder.Redirect.DISCARD).start();
                    // first use installs npm packages into ~/.cache
                    if (!p.waitFor(300, TimeUnit.SECONDS)) {
                        p.destroyForcibly();
                        unavailable = "tflite-ref --info timed out";
                    } else if (p.exitValue() != 0) {
                        unavailable = "tflite-ref --info exited with " + p.exitValue() + " (Node.js/npm missing?)";
                    }
                } catch (IOException | InterruptedException e) {
                    unavailable = "cannot start tflite-ref: " + e.getMessage();
                }
            }
        }
        if (unavailable != null) {
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail("TensorFlow Lite cross-check cannot run under CI: " + unavailable);
            }
            assumeTrue(false, "SKIPPED TensorFlow Lite cross-check: " + unavailable);
        }
        return new TfliteRef(tool);
    }

    /** Raw int8 outputs (first output tensor, flattened) for each input tensor, in order. */
    List<int[]> run(Path model, List<byte[]> inputs, Path workDir) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(tool.toString());
        cmd.add(model.toString());
        for (int i = 0; i < inputs.size(); i++) {
            Path f = workDir.resolve("in" + i + ".bin");
            Files.write(f, inputs.get(i));
            cmd.add(f.toString());
        }
        Path outFile = workDir.resolve("ref-out.jsonl");
        Process p = new ProcessBuilder(cmd).redirectOutput(outFile.toFile())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(300, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("tflite-ref timed out on " + model);
        }
        if (p.exitValue() != 0) {
            fail("tflite-ref exited with " + p.exitValue() + " on " + model);
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
            fail("tflite-ref gave " + results.size() + " results for " + inputs.size() + " inputs");
        }
        return results;
    }
}
