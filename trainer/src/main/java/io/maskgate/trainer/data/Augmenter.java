package io.maskgate.trainer.data;

import java.util.SplittableRandom;

/**
 * What a door camera does to a face crop, applied at random to each training sample: a random resize filter
 * (interpolation augmentation), small shift and scale, horizontal flip, exposure / contrast / white-balance change,
 * blur, sensor noise and RGB565 colour depth. Every choice comes from the {@link SplittableRandom} passed in, so a
 * sample's augmentation depends only on (seed, epoch, index) and not on which thread made it.
 */
public final class Augmenter {
    public static final int SIZE = 32;

    /** Human-readable list recorded in the model card. */
    public static final String DESCRIPTION = "interpolation (nearest, bilinear, bicubic, area, Lanczos-3; 64->32), "
            + "shift +-5 px and crop scale 0.8-1.25 of the 64x64 source, horizontal flip p=0.5, exposure x0.6-1.4, "
            + "contrast x0.7-1.3, white balance x0.9-1.1 per channel, Gaussian blur sigma 0.4-1.0 p=0.25, "
            + "sensor noise sigma <=0.03 p=0.5, RGB565 colour depth p=0.5";

    private static final Interpolation[] FILTERS = Interpolation.values();

    private Augmenter() {
    }

    /** Fills {@code out} (32*32*3, [0,1]) with one augmented rendering of {@code src}. */
    public static void augment(SourceImage src, SplittableRandom rnd, float[] out, int offset) {
        double sw = src.width();
        double sh = src.height();
        double scale = 0.8 + 0.45 * rnd.nextDouble();
        double w = sw * scale;
        double h = sh * scale;
        double shiftRange = 5.0 * sw / 64.0;
        double x0 = (sw - w) / 2 + (rnd.nextDouble() * 2 - 1) * shiftRange;
        double y0 = (sh - h) / 2 + (rnd.nextDouble() * 2 - 1) * shiftRange;
        Interpolation f = FILTERS[rnd.nextInt(FILTERS.length)];
        float[] img = Resampler.resize(src, x0, y0, w, h, SIZE, SIZE, f);
        if (rnd.nextBoolean()) {
            flip(img);
        }
        photometric(img, rnd);
        if (rnd.nextDouble() < 0.25) {
            img = blur(img, 0.4 + 0.6 * rnd.nextDouble());
        }
        if (rnd.nextBoolean()) {
            double sigma = 0.03 * rnd.nextDouble();
            for (int i = 0; i < img.length; i++) {
                img[i] += (float) (gaussian(rnd) * sigma);
            }
        }
        clip(img);
        if (rnd.nextBoolean()) {
            rgb565(img);
        }
        System.arraycopy(img, 0, out, offset, img.length);
    }

    private static void flip(float[] img) {
        for (int y = 0; y < SIZE; y++) {
            for (int x = 0; x < SIZE / 2; x++) {
                int a = (y * SIZE + x) * 3;
                int b = (y * SIZE + SIZE - 1 - x) * 3;
                for (int c = 0; c < 3; c++) {
                    float t = img[a + c];
                    img[a + c] = img[b + c];
                    img[b + c] = t;
                }
            }
        }
    }

    private static void photometric(float[] img, SplittableRandom rnd) {
        double exposure = 0.6 + 0.8 * rnd.nextDouble();
        double contrast = 0.7 + 0.6 * rnd.nextDouble();
        double[] wb = {0.9 + 0.2 * rnd.nextDouble(), 0.9 + 0.2 * rnd.nextDouble(), 0.9 + 0.2 * rnd.nextDouble()};
        double mean = 0;
        for (float v : img) {
            mean += v;
        }
        mean /= img.length;
        for (int i = 0; i < img.length; i++) {
            double v = (img[i] - mean) * contrast + mean;
            img[i] = (float) (v * exposure * wb[i % 3]);
        }
    }

    private static float[] blur(float[] img, double sigma) {
        double[] k = new double[3];
        double s = 0;
        for (int i = -1; i <= 1; i++) {
            k[i + 1] = Math.exp(-(i * i) / (2 * sigma * sigma));
            s += k[i + 1];
        }
        for (int i = 0; i < 3; i++) {
            k[i] /= s;
        }
        float[] tmp = new float[img.length];
        float[] out = new float[img.length];
        for (int y = 0; y < SIZE; y++) {
            for (int x = 0; x < SIZE; x++) {
                for (int c = 0; c < 3; c++) {
                    double v = 0;
                    for (int d = -1; d <= 1; d++) {
                        int xx = Math.min(SIZE - 1, Math.max(0, x + d));
                        v += k[d + 1] * img[(y * SIZE + xx) * 3 + c];
                    }
                    tmp[(y * SIZE + x) * 3 + c] = (float) v;
                }
            }
        }
        for (int y = 0; y < SIZE; y++) {
            for (int x = 0; x < SIZE; x++) {
                for (int c = 0; c < 3; c++) {
                    double v = 0;
                    for (int d = -1; d <= 1; d++) {
                        int yy = Math.min(SIZE - 1, Math.max(0, y + d));
                        v += k[d + 1] * tmp[(yy * SIZE + x) * 3 + c];
                    }
                    out[(y * SIZE + x) * 3 + c] = (float) v;
                }
            }
        }
        return out;
    }

    private static void rgb565(float[] img) {
        for (int i = 0; i < img.length; i++) {
            int levels = (i % 3 == 1) ? 63 : 31;
            img[i] = Math.round(img[i] * levels) / (float) levels;
        }
    }

    private static void clip(float[] img) {
        for (int i = 0; i < img.length; i++) {
            img[i] = img[i] < 0 ? 0 : (img[i] > 1 ? 1 : img[i]);
        }
    }

    private static double gaussian(SplittableRandom rnd) {
        double u1 = rnd.nextDouble();
        double u2 = rnd.nextDouble();
        return Math.sqrt(-2 * Math.log(Math.max(u1, 1e-12))) * Math.cos(2 * Math.PI * u2);
    }
}
