package io.maskgate.trainer.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code model train-finder|quantize-finder}: --help starts nothing, bad options are usage errors (exit 2). */
class FinderCliTest {
    @TempDir
    Path tmp;

    private int code;
    private String out;
    private String err;

    private void run(String... args) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        code = FinderCli.run(args, new PrintStream(o, true, StandardCharsets.UTF_8),
                new PrintStream(e, true, StandardCharsets.UTF_8));
        out = o.toString(StandardCharsets.UTF_8);
        err = e.toString(StandardCharsets.UTF_8);
    }

    @Test
    void helpPrintsTheOptionsAndStartsNothing() {
        String missing = tmp.resolve("missing").toString();
        run("train-finder", "--out", missing, "--data", missing, "--help");
        assertEquals(0, code, err);
        assertTrue(out.contains("--deadline") && out.contains("--pool") && err.isEmpty(), out + err);
        run("quantize-finder", "--weights", missing, "--out", missing, "-h");
        assertEquals(0, code, err);
        assertTrue(out.contains("--calibration") && out.contains("--weights"), out);
        run("--help");
        assertTrue(code == 0 && out.contains("train-finder") && out.contains("quantize-finder"), out);
        // the control: the same command line without --help starts loading and fails on the missing data
        run("train-finder", "--out", missing, "--data", missing);
        assertEquals(1, code, err);
        assertTrue(err.startsWith("maskgate model train-finder: "), err);
    }

    @Test
    void badOptionsAreUsageErrors() {
        run("train-finder", "--out", tmp.toString(), "--bogus", "1");
        assertEquals(2, code);
        assertTrue(err.contains("--bogus") && err.contains("Usage: "), err);
        run("train-finder", "--out", tmp.toString(), "--epochs", "0");
        assertEquals(2, code);
        assertTrue(err.contains("--epochs must be at least 1"), err);
        run("train-finder", "--out", tmp.toString(), "--deadline", "tomorrow");
        assertEquals(2, code);
        assertTrue(err.contains("--deadline"), err);
        run();
        assertEquals(2, code);
        assertTrue(err.contains("missing subcommand"), err);
    }
}
