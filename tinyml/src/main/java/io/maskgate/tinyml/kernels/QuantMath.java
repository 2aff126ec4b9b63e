package io.maskgate.tinyml.kernels;

import io.maskgate.tinyml.model.Activation;
import io.maskgate.tinyml.model.Quantization;

/**
 * Integer requantisation arithmetic with TFLite Micro's rounding rules (double rounding: saturating rounding
 * doubling high multiply, then rounding divide by a power of two). Bit-exactness with the camera depends on
 * every detail here, so each method states the rule it implements.
 */
public final class QuantMath {
    private QuantMath() {
    }

    /** (a*b*2) >> 32 rounded half away from zero; saturates the single overflow case MIN*MIN. */
    public static int saturatingRoundingDoublingHighMul(int a, int b) {
        if (a == Integer.MIN_VALUE && b == Integer.MIN_VALUE) {
            return Integer.MAX_VALUE;
        }
        long ab = (long) a * (long) b;
        long nudge = ab >= 0 ? (1L << 30) : (1L - (1L << 30));
        return (int) ((ab + nudge) / (1L << 31));
    }

    /** x / 2^exponent rounded half away from zero (exponent in 0..31). */
    public static int roundingDivideByPOT(int x, int exponent) {
        int mask = (int) ((1L << exponent) - 1);
        int remainder = x & mask;
        int threshold = (mask >> 1) + (x < 0 ? 1 : 0);
        return (x >> exponent) + (remainder > threshold ? 1 : 0);
    }

    /** x * multiplier * 2^shift with TFLite's convention: positive shift = left shift before the high mul. */
    public static int multiplyByQuantizedMultiplier(int x, int multiplier, int shift) {
        int left = shift > 0 ? shift : 0;
        int right = shift > 0 ? 0 : -shift;
        return roundingDivideByPOT(saturatingRoundingDoublingHighMul(x * (1 << left), multiplier), right);
    }

    /**
     * TensorFlow Lite's (XNNPACK's) fp32 requantisation, for cross-checks only: float(x) * scale in single
     * precision, rounded to nearest even, saturated to int.
     */
    public static int requantizeFloat(int x, float scale) {
        return (int) Math.rint((float) x * scale);
    }

    /** Saturating x * 2^exponent for exponent > 0 (gemmlowp SaturatingRoundingMultiplyByPOT). */
    public static int saturatingShiftLeft(int x, int exponent) {
        int threshold = (1 << (31 - exponent)) - 1;
        if (x > threshold) {
            return Integer.MAX_VALUE;
        }
        if (x < -threshold) {
            return Integer.MIN_VALUE;
        }
        return x << exponent;
    }

    /**
     * Splits a positive real multiplier into a Q31 significand and a power-of-two shift, as TFLite's
     * QuantizeMultiplier does (frexp, round half away from zero, fix-up of the 2^31 case, tiny values -> 0).
     */
    public static Multiplier quantizeMultiplier(double m) {
        if (m == 0.0) {
            return new Multiplier(0, 0);
        }
        int exp = Math.getExponent(m) + 1;
        double q = m / Math.scalb(1.0, exp);
        if (Math.abs(q) < 0.5) { // subnormal input: normalise
            while (Math.abs(q) < 0.5) {
                q *= 2;
                exp--;
            }
        }
        long qFixed = roundHalfAway(q * (1L << 31));
        if (qFixed == (1L << 31)) {
            qFixed /= 2;
            exp++;
        }
        if (exp < -31) {
            exp = 0;
            qFixed = 0;
        }
        return new Multiplier((int) qFixed, exp);
    }

    /** C's round(): half away from zero. */
    public static long roundHalfAway(double v) {
        return v >= 0 ? (long) Math.floor(v + 0.5) : -(long) Math.floor(-v + 0.5);
    }

    /** C's roundf on floats, as TfLiteRound(float) is used for activation bounds and quantize. */
    public static int roundHalfAway(float v) {
        return v >= 0 ? (int) Math.floor(v + 0.5f) : -(int) Math.floor(-v + 0.5f);
    }

    /** int8 output clamp range of a fused activation (CalculateActivationRangeQuantized). */
    public static int[] activationRange(Activation act, Quantization out) {
        int qmin = -128;
        int qmax = 127;
        float scale = out.scale();
        int zp = out.zeroPoint();
        switch (act) {
            case NONE:
                return new int[] {qmin, qmax};
            case RELU:
                return new int[] {Math.max(qmin, zp + roundHalfAway(0f / scale)), qmax};
            case RELU6:
                return new int[] {Math.max(qmin, zp + roundHalfAway(0f / scale)),
                        Math.min(qmax, zp + roundHalfAway(6f / scale))};
            case RELU_N1_TO_1:
                return new int[] {Math.max(qmin, zp + roundHalfAway(-1f / scale)),
                        Math.min(qmax, zp + roundHalfAway(1f / scale))};
            default:
                throw new IllegalArgumentException("fused activation " + act + " is not supported for int8");
        }
    }

    /** A quantised multiplier: real value = multiplier * 2^(shift - 31). */
    public record Multiplier(int multiplier, int shift) {
        public int apply(int x) {
            return multiplyByQuantizedMultiplier(x, multiplier, shift);
        }
    }
}
