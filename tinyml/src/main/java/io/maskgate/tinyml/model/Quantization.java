package io.maskgate.tinyml.model;

import java.util.Arrays;

/**
 * Affine quantisation of a tensor: real = scale * (q - zeroPoint), per tensor (one scale) or per channel along
 * {@code quantizedDimension}.
 */
public record Quantization(float[] scales, long[] zeroPoints, int quantizedDimension) {
    public static final Quantization NONE = new Quantization(new float[0], new long[0], 0);

    public static Quantization perTensor(float scale, int zeroPoint) {
        return new Quantization(new float[] {scale}, new long[] {zeroPoint}, 0);
    }

    public static Quantization perChannel(float[] scales, int quantizedDimension) {
        return new Quantization(scales.clone(), new long[scales.length], quantizedDimension);
    }

    public boolean isQuantized() {
        return scales.length > 0;
    }

    public float scale() {
        return scales.length == 0 ? 0f : scales[0];
    }

    public int zeroPoint() {
        return zeroPoints.length == 0 ? 0 : (int) zeroPoints[0];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Quantization q && Arrays.equals(scales, q.scales) && Arrays.equals(zeroPoints, q.zeroPoints)
                && quantizedDimension == q.quantizedDimension;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(scales) * 31 + Arrays.hashCode(zeroPoints) + quantizedDimension;
    }

    @Override
    public String toString() {
        return scales.length == 1 ? "scale=" + scales[0] + " zp=" + zeroPoints[0]
                : scales.length == 0 ? "none" : "per-channel[" + scales.length + "] dim=" + quantizedDimension;
    }
}
