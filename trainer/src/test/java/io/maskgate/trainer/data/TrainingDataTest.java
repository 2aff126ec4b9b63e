package io.maskgate.trainer.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainingDataTest {
    @TempDir
    Path tmp;

    private void images(Path dir, int n, int colour) throws Exception {
        Files.createDirectories(dir);
        for (int i = 0; i < n; i++) {
            BufferedImage img = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < 64; y++) {
                for (int x = 0; x < 64; x++) {
                    img.setRGB(x, y, colour + i * 3 + x);
                }
            }
            ImageIO.write(img, "png", dir.resolve("img" + i + ".png").toFile());
        }
    }

    @Test
    void extraFoldersAreRepeatedIncorrectCountsAsNoMaskAndClassesAreBalanced() throws Exception {
        images(tmp.resolve("primary/mask"), 6, 0x404040);
        images(tmp.resolve("primary/no_mask"), 4, 0x808080);
        images(tmp.resolve("extra/mask"), 1, 0x202020);
        images(tmp.resolve("extra/no_mask"), 2, 0x606060);
        images(tmp.resolve("extra/incorrect"), 1, 0x909090);
        TrainingData plain = TrainingData.build(tmp.resolve("primary"), List.of(tmp.resolve("extra")), 3, false,
                0, 0, false, Integer.MAX_VALUE, 1);
        assertEquals(6 + 3, plain.set().count(Label.MASK));
        assertEquals(4 + 6, plain.set().count(Label.NO_MASK));
        // the record names folders as "parent/name", never by this machine's absolute path
        String parent = tmp.getFileName().toString();
        assertEquals(parent + "/primary", plain.recipe().primary());
        assertEquals(List.of(parent + "/extra"), plain.recipe().extraTrain());
        TrainingData withIncorrect = TrainingData.build(tmp.resolve("primary"), List.of(tmp.resolve("extra")), 3,
                true, 0, 0, false, Integer.MAX_VALUE, 1);
        assertEquals(4 + 9, withIncorrect.set().count(Label.NO_MASK));
        assertEquals(4 + 3, withIncorrect.recipe().loadedNoMask());
        TrainingData balanced = TrainingData.build(tmp.resolve("primary"), List.of(tmp.resolve("extra")), 3, true,
                0, 0, true, Integer.MAX_VALUE, 1);
        assertEquals(13, balanced.set().count(Label.MASK));
        assertEquals(13, balanced.set().count(Label.NO_MASK));
        assertEquals(13, balanced.recipe().epochMask());
    }

    @Test
    void pastesComeFromPrimaryNoMaskFacesAreDeterministicAndLabelled() throws Exception {
        images(tmp.resolve("primary/mask"), 2, 0x404040);
        images(tmp.resolve("primary/no_mask"), 5, 0x808080);
        images(tmp.resolve("extra/mask"), 1, 0x202020);
        images(tmp.resolve("extra/no_mask"), 3, 0x606060);
        TrainingData a = TrainingData.build(tmp.resolve("primary"), List.of(tmp.resolve("extra")), 1, false, 1.0,
                1.0, false, Integer.MAX_VALUE, 7);
        TrainingData b = TrainingData.build(tmp.resolve("primary"), List.of(tmp.resolve("extra")), 1, false, 1.0,
                1.0, false, Integer.MAX_VALUE, 7);
        assertEquals(5, a.recipe().pastedMask());
        assertEquals(5, a.recipe().pastedChin());
        assertEquals(2 + 1 + 5, a.set().count(Label.MASK));
        assertEquals(5 + 3 + 5, a.set().count(Label.NO_MASK));
        for (int i = 0; i < a.set().size(); i++) {
            assertArrayEquals(a.set().images().get(i).rgb(), b.set().images().get(i).rgb());
        }
        long masks = a.set().images().stream().filter(s -> s.name().startsWith("pasted-mask-"))
                .filter(s -> s.label() == Label.MASK).count();
        long chins = a.set().images().stream().filter(s -> s.name().startsWith("pasted-chin-"))
                .filter(s -> s.label() == Label.NO_MASK).count();
        assertEquals(5, masks);
        assertEquals(5, chins);
    }

    @Test
    void aPastedMaskCoversTheLowerFaceOnlyAndTheChinMaskLeavesTheNoseFree() {
        SourceImage face = AugmentationTest.gradient("f", Label.NO_MASK, 3);
        for (long seed = 0; seed < 30; seed++) {
            SourceImage mask = MaskPaster.paste(face, new SplittableRandom(seed), MaskPaster.Placement.FACE);
            SourceImage chin = MaskPaster.paste(face, new SplittableRandom(seed), MaskPaster.Placement.CHIN);
            assertEquals(Label.MASK, mask.label());
            assertEquals(Label.NO_MASK, chin.label());
            int upper = 64 * 26 * 3; // rows above 0.42 of the height: eyes and forehead stay untouched
            assertArrayEquals(Arrays.copyOf(face.rgb(), upper), Arrays.copyOf(mask.rgb(), upper));
            int noseRows = 64 * 42 * 3; // rows above 0.66: a chin mask leaves the nose free
            assertArrayEquals(Arrays.copyOf(face.rgb(), noseRows), Arrays.copyOf(chin.rgb(), noseRows));
            // the mouth (centre, 0.75 of the height) is covered in both
            int mouth = (48 * 64 + 32) * 3;
            assertFalse(Arrays.equals(Arrays.copyOfRange(face.rgb(), mouth, mouth + 3),
                    Arrays.copyOfRange(mask.rgb(), mouth, mouth + 3)) && Arrays.equals(
                    Arrays.copyOfRange(face.rgb(), mouth, mouth + 3), Arrays.copyOfRange(chin.rgb(), mouth, mouth + 3)));
        }
    }

    @Test
    void strongAugmentationIsDeterministicInRangeAndDiffersFromGeometry() {
        SourceImage img = AugmentationTest.gradient("a", Label.MASK, 9);
        float[] a = new float[32 * 32 * 3];
        float[] b = new float[32 * 32 * 3];
        float[] g = new float[32 * 32 * 3];
        for (int seed = 0; seed < 20; seed++) {
            Augmenter.augment(img, new SplittableRandom(seed), Augmenter.Preset.STRONG, a, 0);
            Augmenter.augment(img, new SplittableRandom(seed), Augmenter.Preset.STRONG, b, 0);
            Augmenter.augment(img, new SplittableRandom(seed), Augmenter.Preset.GEOMETRY, g, 0);
            assertArrayEquals(a, b);
            assertFalse(Arrays.equals(a, g));
            for (float v : a) {
                assertTrue(v >= 0 && v <= 1);
            }
        }
    }

    @Test
    void jpegRoundTripKeepsAFlatImageCloseAndLowQualityLosesDetail() {
        float[] flat = new float[32 * 32 * 3];
        Arrays.fill(flat, 0.5f);
        StrongAugmenter.jpeg(flat, 20);
        for (float v : flat) {
            assertEquals(0.5, v, 0.02);
        }
        java.util.Random rnd = new java.util.Random(3);
        float[] detail = new float[32 * 32 * 3];
        for (int i = 0; i < detail.length; i += 3) {
            detail[i] = rnd.nextFloat(); // grey noise: no chroma, so subsampling alone loses nothing
            detail[i + 1] = detail[i];
            detail[i + 2] = detail[i];
        }
        double[] err = new double[2];
        int[] quality = {15, 90};
        for (int k = 0; k < 2; k++) {
            float[] copy = detail.clone();
            StrongAugmenter.jpeg(copy, quality[k]);
            for (int i = 0; i < copy.length; i++) {
                err[k] += Math.abs(copy[i] - detail[i]) / copy.length;
            }
        }
        assertTrue(err[0] > 0.1 && err[0] > 2 * err[1], "JPEG at quality 15 should lose more detail than at 90: "
                + Arrays.toString(err));
    }
}
