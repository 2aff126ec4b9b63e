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

    /**
     * Named augmentation recipes. {@link #CAMERA} is what the shipped model was trained with; {@link #GEOMETRY}
     * adds rotation, stronger zoom-out and aspect squash (wider-shot framing), used for the baselines and the
     * explored tiny variant reported in models/REPORT.md. Each preset draws its random numbers in a fixed
     * order, so a recorded (preset, seed) reproduces a run exactly.
     */
    public enum Preset {
        CAMERA("interpolation (nearest, bilinear, bicubic, area, Lanczos-3; 64->32), "
                + "shift +-5 px and crop scale 0.8-1.25 of the 64x64 source, horizontal flip p=0.5, exposure x0.6-1.4, "
                + "contrast x0.7-1.3, white balance x0.9-1.1 per channel, Gaussian blur sigma 0.4-1.0 p=0.25, "
                + "sensor noise sigma <=0.03 p=0.5, RGB565 colour depth p=0.5"),
        GEOMETRY("interpolation (nearest, bilinear, bicubic, area, Lanczos-3; 64->32), "
                + "rotation +-15 deg p=0.3 (black corners), shift +-5 px, crop scale 0.8-1.5 and aspect 1/1.45-1.45 of "
                + "the 64x64 source (squashed faces as in photos resized to square), horizontal flip p=0.5, exposure "
                + "x0.6-1.4, contrast x0.7-1.3, white balance x0.9-1.1 per channel, Gaussian blur sigma 0.4-1.0 "
                + "p=0.25, sensor noise sigma <=0.03 p=0.5, RGB565 colour depth p=0.5"),
        STRONG("interpolation (nearest, bilinear, bicubic, area, Lanczos-3; 64->32), rotation +-20 deg p=0.4 "
                + "(black corners), shift +-7 px, crop scale 0.7-1.6 (partial crops to wide shots) and aspect "
                + "1/1.5-1.5 of the 64x64 source, horizontal flip p=0.5, exposure x0.6-1.4, contrast x0.6-1.4, "
                + "white balance x0.85-1.15 per channel, saturation x0-1.5 (grey p=0.1), low light p=0.2 "
                + "(exposure x0.15-0.5, gamma 1-1.8, noise sigma <=0.08), Gaussian blur sigma 0.4-1.2 p=0.35 "
                + "(twice p=0.1), sensor noise sigma <=0.05 p=0.5, JPEG quality 15-90 at 32x32 p=0.3, RGB565 "
                + "colour depth p=0.5");

        private final String description;

        Preset(String description) {
            this.description = description;
        }

        public String description() {
            return description;
        }

        /** Parses {@code camera} / {@code geometry}; unknown names get a clear error. */
        public static Preset byName(String name) {
            for (Preset p : values()) {
                if (p.name().equalsIgnoreCase(name)) {
                    return p;
                }
            }
            throw new IllegalArgumentException("unknown augmentation '" + name + "'; choose camera, geometry or strong");
        }
    }

    private static final Interpolation[] FILTERS = Interpolation.values();

    private Augmenter() {
    }

    /** Fills {@code out} (32*32*3, [0,1]) with one augmented rendering of {@code src}. */
    public static void augment(SourceImage src, SplittableRandom rnd, float[] out, int offset) {
        augment(src, rnd, Preset.CAMERA, out, offset);
    }

    public static void augment(SourceImage src, SplittableRandom rnd, Preset preset, float[] out, int offset) {
        if (preset == Preset.STRONG) {
            StrongAugmenter.augment(src, rnd, out, offset);
            return;
        }
        boolean geometry = preset == Preset.GEOMETRY;
        if (geometry && rnd.nextDouble() < 0.3) {
            src = rotate(src, Math.toRadians((rnd.nextDouble() * 2 - 1) * 15));
        }
        double sw = src.width();
        double sh = src.height();
        // crop scale > 1 zooms out (wider shot, smaller face); with GEOMETRY, aspect != 1 squashes the face like a
        // source photo that was resized to square without cropping
        double scale = geometry ? 0.8 + 0.7 * rnd.nextDouble() : 0.8 + 0.45 * rnd.nextDouble();
        double aspect = geometry ? Math.exp((rnd.nextDouble() * 2 - 1) * Math.log(1.45)) : 1.0;
        double w = sw * scale * Math.sqrt(aspect);
        double h = sh * scale / Math.sqrt(aspect);
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

    /** Rotates about the centre with bilinear sampling; corners outside the source turn black. */
    static SourceImage rotate(SourceImage src, double angle) {
        int w = src.width();
        int h = src.height();
        double cos = Math.cos(angle);
        double sin = Math.sin(angle);
        double cx = (w - 1) / 2.0;
        double cy = (h - 1) / 2.0;
        byte[] out = new byte[w * h * 3];
        byte[] in = src.rgb();
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double sx = cos * (x - cx) + sin * (y - cy) + cx;
                double sy = -sin * (x - cx) + cos * (y - cy) + cy;
                int x0 = (int) Math.floor(sx);
                int y0 = (int) Math.floor(sy);
                if (x0 < 0 || y0 < 0 || x0 + 1 >= w || y0 + 1 >= h) {
                    continue;
                }
                double fx = sx - x0;
                double fy = sy - y0;
                for (int c = 0; c < 3; c++) {
                    double v = (1 - fy) * ((1 - fx) * (in[(y0 * w + x0) * 3 + c] & 0xFF)
                            + fx * (in[(y0 * w + x0 + 1) * 3 + c] & 0xFF))
                            + fy * ((1 - fx) * (in[((y0 + 1) * w + x0) * 3 + c] & 0xFF)
                            + fx * (in[((y0 + 1) * w + x0 + 1) * 3 + c] & 0xFF));
                    out[(y * w + x) * 3 + c] = (byte) Math.round(v);
                }
            }
        }
        return new SourceImage(src.name(), src.label(), w, h, out);
    }

    static void flip(float[] img) {
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

    static void photometric(float[] img, SplittableRandom rnd) {
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

    static float[] blur(float[] img, double sigma) {
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

    static void rgb565(float[] img) {
        for (int i = 0; i < img.length; i++) {
            int levels = (i % 3 == 1) ? 63 : 31;
            img[i] = Math.round(img[i] * levels) / (float) levels;
        }
    }

    static void clip(float[] img) {
        for (int i = 0; i < img.length; i++) {
            img[i] = img[i] < 0 ? 0 : (img[i] > 1 ? 1 : img[i]);
        }
    }

    static double gaussian(SplittableRandom rnd) {
        double u1 = rnd.nextDouble();
        double u2 = rnd.nextDouble();
        return Math.sqrt(-2 * Math.log(Math.max(u1, 1e-12))) * Math.cos(2 * Math.PI * u2);
    }
}
