package io.maskgate.tinyml.finder;

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
 * Runs TensorFlow Lite Micro's own kernels ({@code ../shared/tools/tflm-ref}) on raw input tensors, one process
 * for all inputs. When it cannot run, tests fail under CI=true and are skipped with the reason elsewhere (the
 * pattern of the TensorFlow Lite cross-check).
 */
final class TflmRef {
    private static final Pattern LINE = Pattern.compile("\"input\":\\s*\"([^\"]*)\".*\"outputs\":\\s*\\[\\[([^\\]]*)\\]");
    private final Path tool;

    private TflmRef(Path tool) {
        this.tool = tool;
    }

    static TflmRef requireAvailable(Path model) {
        Path tool = TestPaths.shared().resolve("tools/tflm-ref/tflm-ref");
        String unavailable = null;
        if (!Files.isExecutable(tool)) {
            unavailable = "tflm-ref not found at " + tool;
        } else {
            try {
                Process p = new ProcessBuilder(tool.toString(), "--info", model.toString())
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD)
                        .start();
                // a first use without the shipped binaries builds TFLM (about 5 minutes on 2 cores)
                if (!p.waitFor(900, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    unavailable = "tflm-ref --info timed out";
                } else if (p.exitValue() != 0) {
                    unavailable = "tflm-ref --info exited with " + p.exitValue() + " on " + model;
                }
            } catch (IOException | InterruptedException e) {
                unavailable = "cannot start tflm-ref: " + e.getMessage();
            }
        }
        if (unavailable != null) {
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail("TFLite Micro cross-check cannot run under CI: " + unavailable);
            }
            assumeTrue(false, "SKIPPED TFLite Micro cross-check: " + unavailable);
        }
        return new TflmRef(tool);
    }

    /** Raw int8 outputs (first output tensor, flattened) for each input tensor, in order. */
    List<int[]> run(Path model, List<byte[]> inputs, Path workDir) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(tool.toString());
        cmd.add(model.toString());
        List<String> names = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
            Path f = workDir.resolve("in" + i + ".bin");
            Files.write(f, inputs.get(i));
            cmd.add(f.toString());
            names.add(f.toString());
        }
        Path outFile = workDir.resolve("tflm-out.jsonl");
        Process p = new ProcessBuilder(cmd).redirectOutput(outFile.toFile())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(600, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("tflm-ref timed out on " + model);
        }
        if (p.exitValue() != 0) {
            fail("tflm-ref exited with " + p.exitValue() + " on " + model);
        }
        List<int[]> out = new ArrayList<>();
        for (String line : Files.readAllLines(outFile, StandardCharsets.UTF_8)) {
            Matcher m = LINE.matcher(line);
            if (!m.find()) {
                continue;
            }
            if (!m.group(1).equals(names.get(out.size()))) {
                fail("tflm-ref answered for " + m.group(1) + ", expected " + names.get(out.size()));
            }
            String[] parts = m.group(2).split(",");
            int[] v = new int[parts.length];
            for (int i = 0; i < parts.length; i++) {
                v[i] = Integer.parseInt(parts[i].trim());
            }
            out.add(v);
        }
        if (out.size() != inputs.size()) {
            fail("tflm-ref gave " + out.size() + " results for " + inputs.size() + " inputs");
        }
        return out;
    }
}
