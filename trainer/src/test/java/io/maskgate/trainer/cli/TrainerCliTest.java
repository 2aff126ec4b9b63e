package io.maskgate.trainer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad input to every command gives a one-line reason and a non-zero exit code, never a stack trace. */
class TrainerCliTest {
    @TempDir
    Path tmp;

    private record Outcome(int code, String err, String out) {
    }

    private static Outcome run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = TrainerCli.run(args, new PrintStream(out), new PrintStream(err));
        return new Outcome(code, err.toString(StandardCharsets.UTF_8), out.toString(StandardCharsets.UTF_8));
    }

    private static void assertClear(Outcome o, String expected) {
        assertTrue(o.code() != 0, "exit code " + o.code());
        assertTrue(o.err().contains(expected), "stderr was: " + o.err());
        assertTrue(!o.err().contains("\tat "), "stack trace printed: " + o.err());
    }

    @Test
    void wrongArchitectureName() {
        assertClear(run("train", "--arch", "resnet50", "--epochs", "1", "--out", tmp.toString()),
                "unknown architecture 'resnet50'");
    }

    @Test
    void wrongAugmentationPreset() {
        assertClear(run("train", "--arch", "tiny", "--epochs", "1", "--out", tmp.toString(), "--augment", "wild"),
                "unknown augmentation 'wild'");
    }

    @Test
    void badDataOptions() {
        String out = tmp.resolve("o").toString();
        assertClear(run("train", "--arch", "tiny", "--epochs", "1", "--out", out, "--incorrect", "mask"),
                "--incorrect must be skip or no_mask");
        assertClear(run("train", "--arch", "tiny", "--epochs", "1", "--out", out, "--paste-masks", "1.5"),
                "--paste-masks must be a fraction in [0, 1]");
        assertClear(run("train", "--arch", "tiny", "--epochs", "1", "--out", out, "--label-smoothing", "1"),
                "--label-smoothing must be in [0, 1), got 1.0");
        assertClear(run("train", "--arch", "tiny", "--epochs", "1", "--out", out, "--paste-chin", "lots"),
                "--paste-chin must be a fraction in [0, 1]");
        assertClear(run("train", "--arch", "tiny", "--epochs", "1", "--out", out, "--extra-weight", "0"),
                "--extra-weight must be at least 1");
    }

    @Test
    void trainWithMissingExtraTrainFolder() throws Exception {
        Path data = tmp.resolve("data");
        for (String split : new String[] {"train", "val"}) {
            for (String cls : new String[] {"mask", "no_mask"}) {
                Files.createDirectories(data.resolve(split).resolve(cls));
                ImageIO.write(new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB), "jpg",
                        data.resolve(split).resolve(cls).resolve("a.jpg").toFile());
            }
        }
        assertClear(run("train", "--arch", "tiny", "--epochs", "1", "--out", tmp.resolve("o").toString(),
                "--data", data.toString(), "--extra-train", tmp.resolve("disputes").toString()),
                "data folder not found");
    }

    @Test
    void trainWithMissingDataFolder() {
        assertClear(run("train", "--arch", "tiny", "--epochs", "1", "--out", tmp.resolve("o").toString(),
                "--data", tmp.resolve("missing").toString()), "data folder not found");
    }

    @Test
    void trainWithEmptyClassFolder() throws Exception {
        Path data = tmp.resolve("data");
        Files.createDirectories(data.resolve("train/mask"));
        Files.createDirectories(data.resolve("train/no_mask"));
        ImageIO.write(new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB), "jpg",
                data.resolve("train/mask/a.jpg").toFile());
        assertClear(run("train", "--arch", "tiny", "--epochs", "1", "--out", tmp.resolve("o").toString(),
                "--data", data.toString()), "class folder has no images");
    }

    @Test
    void evaluateFloatWithUnreadableImage() throws Exception {
        Path data = tmp.resolve("eval");
        Files.createDirectories(data.resolve("mask"));
        Files.createDirectories(data.resolve("no_mask"));
        ImageIO.write(new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB), "jpg",
                data.resolve("mask/a.jpg").toFile());
        Files.write(data.resolve("no_mask/bad.jpg"), new byte[] {1, 2, 3});
        assertClear(run("evaluate-float", "--saved-model", tmp.toString(), "--data", data.toString()),
                "unreadable image");
    }

    @Test
    void missingArgumentsAndBadNumbers() {
        // picocli's wording since issue 15 (the same facts: which option, which value)
        assertClear(run("train", "--epochs", "1"), "Missing required options: '--arch=");
        assertClear(run("train", "--arch", "tiny", "--epochs", "many", "--out", "x"),
                "Invalid value for option '--epochs': 'many' is not an int");
        assertClear(run("train", "--arch", "tiny", "--epochs", "0", "--out", "x"), "--epochs must be at least 1");
        assertClear(run("train", "--arch"), "Missing required parameter for option '--arch'");
        assertClear(run("quantize", "--saved-model", "x", "--out", "y", "--bogus", "1"), "Unknown options: '--bogus'");
        assertClear(run("frobnicate"), "Unmatched argument at index 0: 'frobnicate'");
        assertEquals(2, run().code());
    }

    @Test
    void quantizeWithMissingOrForeignSavedModel() throws Exception {
        assertClear(run("quantize", "--saved-model", tmp.resolve("none").toString(), "--out",
                tmp.resolve("m.tflite").toString()), "saved model folder not found");
        Files.writeString(tmp.resolve("saved_model.pb"), "x");
        assertClear(run("quantize", "--saved-model", tmp.toString(), "--out", tmp.resolve("m.tflite").toString()),
                "not written by the MaskGate trainer");
        Files.delete(tmp.resolve("saved_model.pb"));
        assertClear(run("quantize", "--saved-model", tmp.toString(), "--out", tmp.resolve("m.tflite").toString()),
                "not a SavedModel");
    }

    @Test
    void reportWithMissingModelsFolder() {
        assertClear(run("report", "--models", tmp.resolve("nothing").toString()), "models folder not found");
    }

    @Test
    void helpOfEverySubcommandPrintsItsOptionsAndStartsNothing() {
        String missing = tmp.resolve("missing").toString();
        // each of these, without --help, fails at once on the missing folder: help stops before call()
        String[][] cases = {
            {"train", "--arch", "tiny", "--out", missing, "--data", missing, "--help"},
            {"quantize", "--saved-model", missing, "--out", missing, "-h"},
            {"report", "--models", missing, "--help"},
            {"evaluate-float", "--saved-model", missing, "--data", missing, "--help"}};
        String[] named = {"--augment", "--calibration", "--retrain", "--json"};
        for (int i = 0; i < cases.length; i++) {
            Outcome o = run(cases[i]);
            assertEquals(0, o.code(), o.err());
            assertTrue(o.out().startsWith("Usage: maskgate model " + cases[i][0]) && o.out().contains(named[i]),
                    o.out());
            assertEquals("", o.err());
        }
        Outcome top = run("--help");
        assertEquals(0, top.code());
        assertTrue(top.out().contains("evaluate-float") && top.out().contains("quantize"), top.out());
        assertEquals(1, run("report", "--models", missing).code(), "the control case must fail without --help");
    }
}
