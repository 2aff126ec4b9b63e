package io.maskgate.tinyml.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.maskgate.tinyml.model.Activation;
import io.maskgate.tinyml.model.Padding;
import io.maskgate.tinyml.writer.ModelBuilder;
import io.maskgate.tinyml.writer.TfliteWriter;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelCliTest {

    /** A model whose mask score is the mean red channel: red images are "mask", blue ones "no_mask". */
    private static Path redDetector(Path dir) throws Exception {
        ModelBuilder b = new ModelBuilder("red");
        int x = b.input("x", new int[] {1, 8, 8, 3}, 1f / 255, -128);
        int p = b.averagePool2d("p", x, 8, 8, Padding.VALID);
        int r = b.reshape("r", p, new int[] {1, 3});
        // outputs: [red - blue, blue - red]
        int f = b.fullyConnected("fc", r, new byte[] {100, 0, -100, -100, 0, 100}, 2, new float[] {0.01f},
                new int[] {0, 0}, Activation.NONE, 0.05f, 0);
        int s = b.softmax("s", f, 1f);
        b.output(s);
        Path model = dir.resolve("red.tflite");
        TfliteWriter.write(b.build(), model);
        return model;
    }

    private static void image(Path file, int rgb) throws Exception {
        BufferedImage img = new BufferedImage(20, 12, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 12; y++) {
            for (int x = 0; x < 20; x++) {
                img.setRGB(x, y, rgb);
            }
        }
        Files.createDirectories(file.getParent());
        ImageIO.write(img, "png", file.toFile());
    }

    private static String run(String... args) throws Exception {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        assertEquals(0, new ModelCli(new PrintStream(buf, true, StandardCharsets.UTF_8)).run(args));
        return buf.toString(StandardCharsets.UTF_8);
    }

    private static String lastLine(String s) {
        String[] lines = s.strip().split("\n");
        return lines[lines.length - 1];
    }

    @Test
    void evaluateComputesMetricsFromTheFolders(@TempDir Path dir) throws Exception {
        Path model = redDetector(dir);
        Path data = dir.resolve("data");
        image(data.resolve("mask/a.png"), 0xff0000);
        image(data.resolve("mask/b.png"), 0xe01010);
        image(data.resolve("mask/c.png"), 0x1010e0); // wrong on purpose
        image(data.resolve("no_mask/d.png"), 0x0000ff);
        image(data.resolve("no_mask/e.png"), 0x2020f0);
        String json = lastLine(run("evaluate", "--model", model.toString(), "--data", data.toString(), "--json"));
        assertTrue(json.startsWith("{\"count\":5,\"accuracy\":0.8,"), json);
        assertTrue(json.contains("\"confusion\":[[2,1],[0,2]]"), json);
        assertTrue(json.contains("\"mask\":{\"folder\":\"mask\",\"precision\":1,\"recall\":0.666667"), json);
        assertTrue(json.contains("\"macs\":6"), json);
    }

    @Test
    void runPrintsLabelAndInspectPrintsFacts(@TempDir Path dir) throws Exception {
        Path model = redDetector(dir);
        image(dir.resolve("red.png"), 0xff0000);
        String json = lastLine(run("run", "--model", model.toString(), "--image", dir.resolve("red.png").toString(),
                "--json"));
        assertTrue(json.contains("\"label\":\"mask\""), json);
        String facts = lastLine(run("inspect", "--model", model.toString(), "--json"));
        assertTrue(facts.contains("\"params\":8") && facts.contains("\"ops\":[\"AVERAGE_POOL_2D\",\"RESHAPE\","
                + "\"FULLY_CONNECTED\",\"SOFTMAX\"]"), facts);
    }

    @Test
    void labelsTxtBesideTheModelMapsFaceToNoMask(@TempDir Path dir) throws Exception {
        Path model = redDetector(dir);
        Files.writeString(dir.resolve("labels.txt"), "mask\nface");
        Path data = dir.resolve("data");
        image(data.resolve("mask/a.png"), 0xff0000);
        image(data.resolve("no_mask/b.png"), 0x0000ff);
        String json = lastLine(run("evaluate", "--model", model.toString(), "--data", data.toString(), "--json"));
        assertTrue(json.contains("\"face\":{\"folder\":\"no_mask\"") && json.contains("\"accuracy\":1"), json);
    }

    @Test
    void badDataGivesClearErrors(@TempDir Path dir) throws Exception {
        Path model = redDetector(dir);
        Path data = dir.resolve("data");
        ModelCli cli = new ModelCli(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        Path two = dir.resolve("two");
        image(two.resolve("mask/r.png"), 0xff0000);
        image(two.resolve("no_mask/b.png"), 0x0000ff);
        Exception multi = assertThrows(ModelCli.UsageException.class, () -> cli.run(new String[] {"evaluate",
                "--model", model.toString(), "--data", two.toString(), "--threshold", "0.7"}));
        assertTrue(multi.getMessage().contains("single-output"), multi.getMessage());
        Exception missing = assertThrows(ModelCli.UsageException.class,
                () -> cli.run(new String[] {"evaluate", "--model", model.toString(), "--data", data.toString()}));
        assertTrue(missing.getMessage().contains("not found"), missing.getMessage());
        Files.createDirectories(data.resolve("mask"));
        Files.createDirectories(data.resolve("no_mask"));
        image(data.resolve("no_mask/ok.png"), 0x0000ff);
        Exception empty = assertThrows(ModelCli.UsageException.class,
                () -> cli.run(new String[] {"evaluate", "--model", model.toString(), "--data", data.toString()}));
        assertTrue(empty.getMessage().contains("has no images"), empty.getMessage());
        Files.writeString(data.resolve("mask/broken.jpg"), "not an image");
        Exception broken = assertThrows(java.io.IOException.class,
                () -> cli.run(new String[] {"evaluate", "--model", model.toString(), "--data", data.toString()}));
        assertTrue(broken.getMessage().contains("broken.jpg"), broken.getMessage());
    }

    @Test
    void aSingleOutputOfExactlyOneHalfIsMaskAsOnTheDoor(@TempDir Path dir) throws Exception {
        // zero weights and bias: logit 0 -> LOGISTIC 0.5 (int8 0 at scale 1/256, zero point -128) for any image
        ModelBuilder b = new ModelBuilder("half");
        int x = b.input("x", new int[] {1, 4, 4, 3}, 1f / 255, -128);
        int r = b.reshape("r", x, new int[] {1, 48});
        int f = b.fullyConnected("fc", r, new byte[48], 1, new float[] {0.01f}, new int[] {0}, Activation.NONE,
                0.1f, 0);
        b.output(b.logistic("p", f));
        Path model = dir.resolve("half.tflite");
        TfliteWriter.write(b.build(), model);
        Path data = dir.resolve("data");
        image(data.resolve("mask/a.png"), 0x808080);
        image(data.resolve("no_mask/b.png"), 0x404040);
        String out = run("evaluate", "--model", model.toString(), "--data", data.toString());
        // p = 0.5 counts as mask (model card: mask when p >= 0.5; door: score >= min score)
        assertTrue(out.contains("[[0, 1], [0, 1]]"), out);
        // a door's minimum score of 700: p = 0.5 does not reach it, so both are no_mask
        String strict = run("evaluate", "--model", model.toString(), "--data", data.toString(), "--threshold", "0.7");
        assertTrue(strict.contains("[[1, 0], [1, 0]]"), strict);
        assertTrue(strict.contains("mask when p >= 0.7"), strict);
        ModelCli cli = new ModelCli(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        for (String bad : new String[] {"0", "1.5", "x"}) {
            assertThrows(ModelCli.UsageException.class, () -> cli.run(new String[] {"evaluate", "--model", model.toString(),
                    "--data", data.toString(), "--threshold", bad}), bad);
        }
    }

    @Test
    void arithmeticOptionSelectsTheRoundingRules(@TempDir Path dir) throws Exception {
        // acc = 5 times an exact multiplier 0.5 = 2.5: TFLM's fixed-point rounding gives 3, TensorFlow Lite's
        // float requantisation (round half to even) gives 2. All scales are powers of two, so both are exact.
        ModelBuilder b = new ModelBuilder("tie");
        int x = b.input("x", new int[] {1, 1, 1, 3}, 1f / 256, -128);
        int r = b.reshape("r", x, new int[] {1, 3});
        int f = b.fullyConnected("fc", r, new byte[] {1, 0, 0}, 1, new float[] {0.5f}, new int[] {5},
                Activation.NONE, 1f / 256, 0);
        b.output(f);
        Path model = dir.resolve("tie.tflite");
        TfliteWriter.write(b.build(), model);
        image(dir.resolve("black.png"), 0x000000);
        String img = dir.resolve("black.png").toString();
        String tflm = lastLine(run("run", "--model", model.toString(), "--image", img, "--json"));
        assertTrue(tflm.contains("\"arithmetic\":\"tflm\"") && tflm.contains("\"outputs\":[3]"), tflm);
        String tflite = lastLine(run("run", "--model", model.toString(), "--image", img, "--arithmetic", "tflite",
                "--json"));
        assertTrue(tflite.contains("\"arithmetic\":\"tflite\"") && tflite.contains("\"outputs\":[2]"), tflite);
        assertTrue(run("run", "--model", model.toString(), "--image", img, "--arithmetic", "tflm")
                .contains("int8 outputs: [3]"));
        ModelCli cli = new ModelCli(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        Exception bad = assertThrows(ModelCli.UsageException.class, () -> cli.run(new String[] {"run", "--model",
                model.toString(), "--image", img, "--arithmetic", "cmsis"}));
        assertTrue(bad.getMessage().contains("tflm or tflite"), bad.getMessage());
    }

    @Test
    void helpOfEverySubcommandPrintsItsOptionsAndReadsNoModel(@TempDir Path dir) throws Exception {
        String missing = dir.resolve("missing.tflite").toString();
        assertTrue(run("--help").contains("inspect") && run("-h").contains("evaluate"));
        // without --help each of these would fail with "model file not found": help stops before call()
        String inspect = run("inspect", "--model", missing, "--help");
        assertTrue(inspect.startsWith("Usage: maskgate model inspect") && inspect.contains("--json"), inspect);
        String image = run("run", "--model", missing, "-h");
        assertTrue(image.contains("--image") && image.contains("--arithmetic"), image);
        String evaluate = run("evaluate", "--help");
        assertTrue(evaluate.contains("--data") && evaluate.contains("--threshold") && evaluate.contains("--model"),
                evaluate);
        ModelCli cli = new ModelCli(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        assertThrows(ModelCli.UsageException.class, () -> cli.run(new String[] {"inspect", "--model", missing}));
    }

    @Test
    void badOptionsAndMissingSubcommandAreUsageErrors(@TempDir Path dir) throws Exception {
        Path model = redDetector(dir);
        ModelCli cli = new ModelCli(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        Exception unknown = assertThrows(ModelCli.UsageException.class,
                () -> cli.run(new String[] {"inspect", "--model", model.toString(), "--bogus"}));
        assertTrue(unknown.getMessage().contains("--bogus") && unknown.getMessage().contains("Usage:"),
                unknown.getMessage());
        Exception required = assertThrows(ModelCli.UsageException.class,
                () -> cli.run(new String[] {"run", "--model", model.toString()}));
        assertTrue(required.getMessage().contains("--image"), required.getMessage());
        Exception none = assertThrows(ModelCli.UsageException.class, () -> cli.run(new String[0]));
        assertTrue(none.getMessage().contains("missing subcommand"), none.getMessage());
    }
}
