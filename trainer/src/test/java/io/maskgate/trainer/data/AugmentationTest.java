package io.maskgate.trainer.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

public class AugmentationTest {

    public static SourceImage gradient(String name, Label label, int seed) {
        byte[] rgb = new byte[64 * 64 * 3];
        for (int y = 0; y < 64; y++) {
            for (int x = 0; x < 64; x++) {
                int o = (y * 64 + x) * 3;
                rgb[o] = (byte) (x * 4 + seed);
                rgb[o + 1] = (byte) (y * 4);
                rgb[o + 2] = (byte) ((x ^ y) * 4);
            }
        }
        return new SourceImage(name, label, 64, 64, rgb);
    }

    @Test
    void areaResizeOfTwoByTwoBlocksIsTheirExactMean() {
        SourceImage img = gradient("a", Label.MASK, 0);
        float[] out = Resampler.resizeWhole(img, 32);
        for (int y = 0; y < 32; y += 7) {
            for (int x = 0; x < 32; x += 5) {
                for (int c = 0; c < 3; c++) {
                    float mean = (img.value(2 * x, 2 * y, c) + img.value(2 * x + 1, 2 * y, c)
                            + img.value(2 * x, 2 * y + 1, c) + img.value(2 * x + 1, 2 * y + 1, c)) / 4;
                    assertEquals(mean, out[(y * 32 + x) * 3 + c], 1e-5);
                }
            }
        }
    }

    @Test
    void everyFilterPreservesAFlatImageAndTheyDifferOnDetail() {
        byte[] flat = new byte[64 * 64 * 3];
        Arrays.fill(flat, (byte) 100);
        SourceImage f = new SourceImage("f", Label.MASK, 64, 64, flat);
        SourceImage g = gradient("g", Label.MASK, 0);
        Set<String> distinct = new HashSet<>();
        for (Interpolation i : Interpolation.values()) {
            float[] out = Resampler.resize(f, 3.3, -2.1, 58, 61, 32, 32, i);
            for (float v : out) {
                assertEquals(100 / 255f, v, 1e-4, i.name());
            }
            distinct.add(Arrays.toString(Resampler.resize(g, 3.3, -2.1, 58, 61, 32, 32, i)));
        }
        assertEquals(Interpolation.values().length, distinct.size());
    }

    @Test
    void augmentationIsDeterministicPerSeedAndStaysInRange() {
        SourceImage img = gradient("a", Label.MASK, 9);
        float[] a = new float[32 * 32 * 3];
        float[] b = new float[32 * 32 * 3];
        Augmenter.augment(img, new SplittableRandom(5), a, 0);
        Augmenter.augment(img, new SplittableRandom(5), b, 0);
        assertArrayEquals(a, b);
        Augmenter.augment(img, new SplittableRandom(6), b, 0);
        assertFalse(Arrays.equals(a, b));
        for (float v : a) {
            assertTrue(v >= 0 && v <= 1);
        }
    }

    @Test
    void presetsDifferAndTheDefaultIsCamera() {
        SourceImage img = gradient("a", Label.MASK, 9);
        float[] byDefault = new float[32 * 32 * 3];
        float[] camera = new float[32 * 32 * 3];
        float[] geometry = new float[32 * 32 * 3];
        Augmenter.augment(img, new SplittableRandom(8), byDefault, 0);
        Augmenter.augment(img, new SplittableRandom(8), Augmenter.Preset.CAMERA, camera, 0);
        Augmenter.augment(img, new SplittableRandom(8), Augmenter.Preset.GEOMETRY, geometry, 0);
        assertArrayEquals(byDefault, camera);
        assertFalse(Arrays.equals(camera, geometry));
    }

    @Test
    void batchesDoNotDependOnTheNumberOfWorkerThreads() throws Exception {
        List<SourceImage> imgs = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            imgs.add(gradient("i" + i, i % 2 == 0 ? Label.MASK : Label.NO_MASK, i));
        }
        ImageSet set = fakeSet(imgs);
        List<float[]> one = new ArrayList<>();
        List<float[]> two = new ArrayList<>();
        try (BatchProducer p1 = new BatchProducer(set, 8, 11, 1); BatchProducer p2 = new BatchProducer(set, 8, 11, 2)) {
            for (Batch b : p1.epoch(3)) {
                one.add(b.pixels());
                one.add(b.labels());
            }
            for (Batch b : p2.epoch(3)) {
                two.add(b.pixels());
                two.add(b.labels());
            }
        }
        assertEquals(one.size(), two.size());
        for (int i = 0; i < one.size(); i++) {
            assertArrayEquals(one.get(i), two.get(i));
        }
    }

    static ImageSet fakeSet(List<SourceImage> imgs) {
        return ImageSet.of(java.nio.file.Path.of("mem"), imgs);
    }
}
