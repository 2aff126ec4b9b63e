package io.maskgate.trainer.data;

import java.util.SplittableRandom;

/**
 * Counterfactual masks: paints a procedurally generated mask onto an aligned face (facemask-12k's no_mask crops,
 * whose lower face sits at a fixed place), so the same portrait exists with and without a mask and "portrait
 * style" stops predicting the label. Shape (surgical, cloth, N95-like), colour, texture (pleats, stripes, dots,
 * checks, noise), shading and ear loops are drawn from the given random source. {@link Placement#CHIN} paints the
 * mask below the nose, a mask worn wrongly, which the door's policy counts as no mask.
 */
public final class MaskPaster {

    /** Where the mask goes on the face. */
    public enum Placement {
        /** Over nose and mouth: a worn mask (label mask). */
        FACE,
        /** Below the nose, on mouth and chin: worn wrongly (label no_mask). */
        CHIN
    }

    private static final double[][] PALETTE = {
        {0.93, 0.95, 0.97}, {0.62, 0.80, 0.90}, {0.55, 0.75, 0.85}, {0.10, 0.10, 0.11}, {0.45, 0.46, 0.48},
        {0.12, 0.16, 0.35}, {0.85, 0.82, 0.75}, {0.75, 0.55, 0.65}, {0.35, 0.55, 0.35}, {0.80, 0.20, 0.20},
    };

    private MaskPaster() {
    }

    /** Returns a copy of {@code face} with a mask painted on it, labelled for the placement. */
    public static SourceImage paste(SourceImage face, SplittableRandom rnd, Placement placement) {
        int w = face.width();
        int h = face.height();
        byte[] rgb = face.rgb().clone();
        double uc = 0.5 + (rnd.nextDouble() * 2 - 1) * 0.04;
        double halfW = 0.33 + 0.08 * rnd.nextDouble();
        double top = placement == Placement.FACE ? 0.42 + 0.1 * rnd.nextDouble() : 0.66 + 0.08 * rnd.nextDouble();
        double bottom = 0.9 + 0.12 * rnd.nextDouble();
        int shape = rnd.nextInt(3); // 0 surgical (flat top), 1 cloth (peaked), 2 N95-like (strongly peaked, round)
        double peak = switch (shape) {
            case 0 -> 0.02 + 0.03 * rnd.nextDouble();
            case 1 -> 0.06 + 0.05 * rnd.nextDouble();
            default -> 0.09 + 0.06 * rnd.nextDouble();
        };
        double bottomCurve = shape == 0 ? 0.04 * rnd.nextDouble() : 0.08 + 0.1 * rnd.nextDouble();
        double taper = 0.1 + 0.25 * rnd.nextDouble();
        double[] base = colour(rnd);
        double[] second = colour(rnd);
        int texture = texture(rnd.nextDouble()); // solid, pleats, stripes, dots, checks, noise
        double period = 3 + 5 * rnd.nextDouble();
        double angle = rnd.nextDouble() * Math.PI;
        double shadeSide = 0.15 + 0.25 * rnd.nextDouble();
        double shadeTop = (rnd.nextDouble() * 2 - 1) * 0.15;
        boolean loops = rnd.nextBoolean();
        double lightTransfer = 0.2 + 0.4 * rnd.nextDouble();
        long noiseSeed = rnd.nextLong();
        double faceMean = meanLuma(rgb, w, h, uc, halfW, top, bottom);
        for (int y = 0; y < h; y++) {
            double v = (y + 0.5) / h;
            for (int x = 0; x < w; x++) {
                double u = (x + 0.5) / w;
                double du = (u - uc) / halfW;
                double t = Math.max(0, Math.min(1, (v - top) / (bottom - top)));
                double halfHere = 1 - taper * t * t;
                double topHere = top + peak * Math.min(1, du * du);
                double bottomHere = bottom - bottomCurve * Math.min(1, du * du);
                // signed distance (in pixels) to the mask outline, positive inside; 1 px soft edge
                double inside = Math.min(Math.min(v - topHere, bottomHere - v) * h,
                        (halfHere - Math.abs(du)) * halfW * w);
                double alpha = Math.max(0, Math.min(1, inside + 0.5));
                int o = (y * w + x) * 3;
                if (alpha <= 0) {
                    if (loops && Math.abs(v - (topHere + 0.06)) * h < 0.6 && Math.abs(du) > 1 && Math.abs(du) < 1.5) {
                        for (int c = 0; c < 3; c++) {
                            rgb[o + c] = (byte) Math.round(255 * (0.5 * base[c] + 0.5 * (rgb[o + c] & 0xFF) / 255.0));
                        }
                    }
                    continue;
                }
                double pattern = pattern(texture, x, y, period, angle, noiseSeed);
                double shade = 1 - shadeSide * du * du + shadeTop * (t - 0.5);
                double luma = luma(rgb, o) / Math.max(0.05, faceMean);
                double light = (1 - lightTransfer) + lightTransfer * Math.min(1.6, luma);
                for (int c = 0; c < 3; c++) {
                    double m = (base[c] * (1 - pattern) + second[c] * pattern) * shade * light;
                    double old = (rgb[o + c] & 0xFF) / 255.0;
                    double value = alpha * m + (1 - alpha) * old;
                    rgb[o + c] = (byte) Math.round(255 * Math.max(0, Math.min(1, value)));
                }
            }
        }
        Label label = placement == Placement.FACE ? Label.MASK : Label.NO_MASK;
        String prefix = placement == Placement.FACE ? "pasted-mask-" : "pasted-chin-";
        return new SourceImage(prefix + face.name(), label, w, h, rgb);
    }

    /** Plain masks are the most common: solid 40 %, pleats 25 %, the four patterns share the rest. */
    private static int texture(double u) {
        if (u < 0.4) {
            return 0;
        }
        if (u < 0.65) {
            return 1;
        }
        return 2 + Math.min(3, (int) ((u - 0.65) / 0.35 * 4));
    }

    private static double[] colour(SplittableRandom rnd) {
        if (rnd.nextDouble() < 0.7) {
            double[] c = PALETTE[rnd.nextInt(PALETTE.length)].clone();
            for (int i = 0; i < 3; i++) {
                c[i] = Math.max(0, Math.min(1, c[i] + (rnd.nextDouble() * 2 - 1) * 0.06));
            }
            return c;
        }
        return new double[] {rnd.nextDouble(), rnd.nextDouble(), rnd.nextDouble()};
    }

    /** 0 = base colour, 1 = second colour, in between for soft textures. */
    private static double pattern(int texture, int x, int y, double period, double angle, long seed) {
        double s = x * Math.cos(angle) + y * Math.sin(angle);
        return switch (texture) {
            case 1 -> 0.25 + 0.25 * Math.sin(2 * Math.PI * y / (period * 0.8)); // pleats: soft horizontal folds
            case 2 -> (Math.floorMod((int) Math.floor(s / period * 2), 2) == 0) ? 0 : 1;
            case 3 -> {
                double px = Math.floorMod(x, (int) Math.ceil(period)) - period / 2;
                double py = Math.floorMod(y, (int) Math.ceil(period)) - period / 2;
                yield px * px + py * py < period * period / 10 ? 1 : 0;
            }
            case 4 -> (Math.floorMod((int) (x / period), 2) ^ Math.floorMod((int) (y / period), 2)) == 0 ? 0.15 : 0.85;
            case 5 -> {
                long z = seed ^ (x * 0x9E3779B97F4A7C15L) ^ (y * 0xC2B2AE3D27D4EB4FL);
                z = (z ^ (z >>> 31)) * 0xBF58476D1CE4E5B9L;
                yield ((z >>> 40) & 0xFFFF) / 65535.0 * 0.6;
            }
            default -> 0;
        };
    }

    private static double luma(byte[] rgb, int o) {
        return (0.299 * (rgb[o] & 0xFF) + 0.587 * (rgb[o + 1] & 0xFF) + 0.114 * (rgb[o + 2] & 0xFF)) / 255.0;
    }

    private static double meanLuma(byte[] rgb, int w, int h, double uc, double halfW, double top, double bottom) {
        double sum = 0;
        int n = 0;
        for (int y = (int) (top * h); y < Math.min(h, (int) (bottom * h)); y++) {
            for (int x = Math.max(0, (int) ((uc - halfW) * w)); x < Math.min(w, (int) ((uc + halfW) * w)); x++) {
                sum += luma(rgb, (y * w + x) * 3);
                n++;
            }
        }
        return n == 0 ? 0.5 : sum / n;
    }
}
