package io.maskgate.firmware;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * The firmware's MicroPython host (firmware/tests/host/run.mjs under Node.js) as the Java tests use it. Installs
 * the pinned npm packages with {@code npm ci} when they are missing. Without Node.js, or without the datasets and
 * tflm-ref for the tests that need them, a test is skipped with a message, and fails instead under CI=true.
 */
final class MicroPythonHost {

    static final Path FIRMWARE = Path.of(System.getProperty("maskgate.firmware.dir", ".")).toAbsolutePath().normalize();
    static final Path TESTS = FIRMWARE.resolve("tests");
    static final Path REPO = FIRMWARE.getParent();
    static final Path DATA = Path.of(envOr("MASKGATE_DATA", REPO.resolve("../shared/datasets").toString()))
            .toAbsolutePath().normalize();
    static final Path TFLM_REF = Path.of(envOr("TFLM_REF", DATA.resolve("../tools/tflm-ref/tflm-ref").toString()))
            .toAbsolutePath().normalize();
    static final Path SHIPPED_MODEL = REPO.resolve("models/maskgate-tiny-v1/model.tflite");
    static final Path SHIPPED_FINDER = REPO.resolve("models/maskgate-finder-v3/model.tflite");

    private static boolean installed;

    private MicroPythonHost() {
    }

    /** Node.js and the pinned MicroPython package, installed once per JVM with npm ci when missing. */
    static synchronized void require() throws Exception {
        if (installed) {
            return;
        }
        if (!commandWorks("node", "--version") || !commandWorks("npm", "--version")) {
            skipOrFail("Node.js/npm not found on PATH: the firmware's MicroPython tests were NOT run");
        }
        if (!Files.isDirectory(TESTS.resolve("node_modules/@micropython/micropython-webassembly-pyscript"))) {
            Result r = exec(List.of("npm", "ci", "--no-audit", "--no-fund"), TESTS, Map.of(), 600);
            assertEquals(0, r.exit(), "npm ci in firmware/tests failed:\n" + r.output());
        }
        installed = true;
    }

    /** The datasets and tflm-ref, for the tests that run the model on images. */
    static void requireDataAndTflm() {
        if (!Files.isDirectory(DATA.resolve("observations")) || !Files.isExecutable(TFLM_REF)) {
            skipOrFail("datasets (" + DATA + ") or tflm-ref (" + TFLM_REF + ") missing: the test was NOT run");
        }
    }

    static void skipOrFail(String message) {
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            fail(message + " (CI=true requires it)");
        }
        Assumptions.abort(message);
    }

    record Result(int exit, String output) {
        List<String> events() {
            List<String> out = new ArrayList<>();
            for (String line : output.split("\n")) {
                if (line.startsWith("EMUL ")) {
                    out.add(line.substring(5));
                }
            }
            return out;
        }
    }

    /** Runs run.mjs with the given arguments to completion. */
    static Result run(List<String> args, long timeoutSeconds) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("node", "host/run.mjs"));
        cmd.addAll(args);
        return exec(cmd, TESTS, env(), timeoutSeconds);
    }

    /** Starts run.mjs in the background; its output goes to log. */
    static Process start(List<String> args, Path log) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("node", "host/run.mjs"));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(TESTS.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().putAll(env());
        return pb.start();
    }

    static Map<String, String> env() {
        return Map.of("MASKGATE_DATA", DATA.toString(), "TFLM_REF", TFLM_REF.toString());
    }

    private static Result exec(List<String> cmd, Path dir, Map<String, String> env, long timeoutSeconds)
            throws Exception {
        Path out = Files.createTempFile("maskgate-mpy", ".log");
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(out.toFile());
            pb.environment().putAll(env);
            Process p = pb.start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                fail(String.join(" ", cmd) + " timed out after " + timeoutSeconds + " s:\n" + Files.readString(out));
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
        }
    }

    private static boolean commandWorks(String... cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static String envOr(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v;
    }

    static void assertClosingLine(String output, int minPassed) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^micropython: (\\d+) passed, (\\d+) failed$")
                .matcher(output);
        assertTrue(m.find(), "no closing line in:\n" + output);
        assertEquals(0, Integer.parseInt(m.group(2)), "MicroPython tests failed:\n" + output);
        assertTrue(Integer.parseInt(m.group(1)) >= minPassed, "too few MicroPython tests ran:\n" + output);
    }
}
