package io.maskgate.trainer.data;

/**
 * Separable resampling of an RGB image region to a small output size with a chosen {@link Interpolation}.
 * The source region (x0, y0, width, height in source pixels) may extend past the image; edge pixels repeat.
 */
public final class Resampler {
    private Resampler() {
    }

    /** Area-resizes the whole image to size x size; the deterministic preprocessing used for evaluation. */
    public static float[] resizeWhole(SourceImage src, int size) {
        return resize(src, 0, 0, src.width(), src.height(), size, size, Interpolation.AREA);
    }

    /** Returns size*size*3 floats in [0,1] (may slightly overshoot for cubic/Lanczos; callers clip). */
    public static float[] resize(SourceImage src, double x0, double y0, double w, double h,
                                 int outW, int outH, Interpolation f) {
        int sw = src.width();
        int sh = src.height();
        // horizontal pass: rows of the source -> sh x outW
        float[] tmp = new float[sh * outW * 3];
        Taps hx = taps(x0, w, sw, outW, f);
        byte[] rgb = src.rgb();
        for (int y = 0; y < sh; y++) {
            for (int ox = 0; ox < outW; ox++) {
                float r = 0;
                float g = 0;
                float b = 0;
                int[] idx = hx.index[ox];
                float[] wt = hx.weight[ox];
                for (int k = 0; k < idx.length; k++) {
                    int o = (y * sw + idx[k]) * 3;
                    r += wt[k] * (rgb[o] & 0xFF);
                    g += wt[k] * (rgb[o + 1] & 0xFF);
                    b += wt[k] * (rgb[o + 2] & 0xFF);
                }
                int t = (y * outW + ox) * 3;
                tmp[t] = r;
                tmp[t + 1] = g;
                tmp[t + 2] = b;
            }
        }
        float[] out = new float[outH * outW * 3];
        Taps vy = taps(y0, h, sh, outH, f);
        for (int oy = 0; oy < outH; oy++) {
            int[] idx = vy.index[oy];
            float[] wt = vy.weight[oy];
            for (int ox = 0; ox < outW; ox++) {
                float r = 0;
                float g = 0;
                float b = 0;
                for (int k = 0; k < idx.length; k++) {
                    int t = (idx[k] * outW + ox) * 3;
                    r += wt[k] * tmp[t];
                    g += wt[k] * tmp[t + 1];
                    b += wt[k] * tmp[t + 2];
                }
                int o = (oy * outW + ox) * 3;
                out[o] = r / 255f;
                out[o + 1] = g / 255f;
                out[o + 2] = b / 255f;
            }
        }
        return out;
    }

    private record Taps(int[][] index, float[][] weight) {
    }

    private static Taps taps(double start, double length, int srcSize, int outSize, Interpolation f) {
        double scale = length / outSize;
        int[][] index = new int[outSize][];
        float[][] weight = new float[outSize][];
        for (int i = 0; i < outSize; i++) {
            double center = start + (i + 0.5) * scale;
            if (f == Interpolation.NEAREST) {
                index[i] = new int[] {clamp((int) Math.floor(center), srcSize)};
                weight[i] = new float[] {1f};
                continue;
            }
            double stretch = f.antialias() ? Math.max(scale, 1.0) : 1.0;
            double support = f.support() * stretch;
            int lo = (int) Math.floor(center - support);
            int hi = (int) Math.ceil(center + support);
            int n = hi - lo + 1;
            int[] idx = new int[n];
            double[] w = new double[n];
            double sum = 0;
            for (int k = 0; k < n; k++) {
                int j = lo + k;
                double wk = f.kernel((j + 0.5 - center) / stretch);
                idx[k] = clamp(j, srcSize);
                w[k] = wk;
                sum += wk;
            }
            float[] wf = new float[n];
            for (int k = 0; k < n; k++) {
                wf[k] = (float) (sum == 0 ? 1.0 / n : w[k] / sum);
            }
            index[i] = idx;
            weight[i] = wf;
        }
        return new Taps(index, weight);
    }

    private static int clamp(int v, int size) {
        return v < 0 ? 0 : (v >= size ? size - 1 : v);
    }
}
