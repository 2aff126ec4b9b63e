package io.maskgate.tinyml.kernels;

import static io.maskgate.tinyml.kernels.QuantMath.roundingDivideByPOT;
import static io.maskgate.tinyml.kernels.QuantMath.saturatingRoundingDoublingHighMul;
import static io.maskgate.tinyml.kernels.QuantMath.saturatingShiftLeft;

/**
 * The gemmlowp fixed-point functions that TFLite's int8 SOFTMAX and LOGISTIC use, on raw int32 values
 * (a value with I integer bits has 31-I fractional bits). Multiplying raws is a saturating rounding doubling high
 * multiply; the integer bits of a product are the sum of its operands'.
 */
public final class FixedPoint {
    /** exp(-2^k) in Q0.31 for k = -2..4, the barrel-shifter factors of exp_on_negative_values. */
    private static final int[] EXP_BARREL_MULTIPLIERS =
            {1672461947, 1302514674, 790015084, 290630308, 39332535, 720401, 242};

    private FixedPoint() {
    }

    private static int mul(int a, int b) {
        return saturatingRoundingDoublingHighMul(a, b);
    }

    /** Rescale a raw value from srcBits to dstBits integer bits (saturating on the left, rounding on the right). */
    static int rescale(int raw, int srcBits, int dstBits) {
        int exponent = srcBits - dstBits;
        if (exponent > 0) {
            return saturatingShiftLeft(raw, exponent);
        }
        if (exponent < 0) {
            return roundingDivideByPOT(raw, -exponent);
        }
        return raw;
    }

    /** exp(a) for a in [-1/4, 0), a and result with 0 integer bits (Taylor expansion around -1/8). */
    static int expOnIntervalBetweenNegativeOneQuarterAnd0Excl(int a) {
        final int constantTerm = 1895147668; // exp(-1/8)
        final int constant1Over3 = 715827883;
        int x = a + (1 << 28); // + 1/8
        int x2 = mul(x, x);
        int x3 = mul(x2, x);
        int x4 = mul(x2, x2);
        int x4Over4 = roundingDivideByPOT(x4, 2);
        int poly = roundingDivideByPOT(mul(x4Over4 + x3, constant1Over3) + x2, 1);
        return constantTerm + mul(constantTerm, x + poly);
    }

    /** exp(a) for a <= 0 given with integerBits integer bits; result has 0 integer bits. */
    static int expOnNegativeValues(int a, int integerBits) {
        int fractionalBits = 31 - integerBits;
        int oneQuarter = 1 << (fractionalBits - 2);
        int mask = oneQuarter - 1;
        int aModQuarterMinusOneQuarter = (a & mask) - oneQuarter;
        int result = expOnIntervalBetweenNegativeOneQuarterAnd0Excl(rescale(aModQuarterMinusOneQuarter, integerBits, 0));
        int remainder = aModQuarterMinusOneQuarter - a;
        for (int i = 0; i < EXP_BARREL_MULTIPLIERS.length; i++) {
            int exponent = i - 2;
            if (integerBits > exponent) {
                int shiftAmount = fractionalBits + exponent;
                if ((remainder & (1 << shiftAmount)) != 0) {
                    result = mul(result, EXP_BARREL_MULTIPLIERS[i]);
                }
            }
        }
        if (integerBits > 5) {
            int b = 36 - integerBits;
            int clamp = -(1 << b);
            if (a < clamp) {
                result = 0;
            }
        }
        if (a == 0) {
            result = Integer.MAX_VALUE; // One() with 0 integer bits
        }
        return result;
    }

    /** 1/(1+x) for x in [0,1] with 0 integer bits (Newton-Raphson, 3 iterations), result with 0 integer bits. */
    static int oneOverOnePlusXForXIn01(int a) {
        long sum = (long) a + Integer.MAX_VALUE;
        int halfDenominator = (int) ((sum + (sum >= 0 ? 1 : -1)) / 2); // RoundingHalfSum(a, One)
        final int constant48Over17 = 1515870810; // 2 integer bits
        final int constantNeg32Over17 = -1010580540; // 2 integer bits
        int x = constant48Over17 + mul(halfDenominator, constantNeg32Over17); // F2
        final int oneF2 = 1 << 29;
        for (int i = 0; i < 3; i++) {
            int halfDenominatorTimesX = mul(halfDenominator, x); // F2
            int oneMinus = oneF2 - halfDenominatorTimesX; // F2
            x = x + rescale(mul(x, oneMinus), 4, 2); // F4 -> F2
        }
        // ExactMulByPot<-1>: same raw read with 1 integer bit, then rescale to 0 integer bits.
        return rescale(x, 1, 0);
    }

    /** gemmlowp logistic: input with integerBits integer bits, result with 0 integer bits. */
    static int logistic(int a, int integerBits) {
        if (a == 0) {
            return 1 << 30;
        }
        int abs = a > 0 ? a : -a;
        int resultIfPositive = oneOverOnePlusXForXIn01(expOnNegativeValues(-abs, integerBits));
        return a > 0 ? resultIfPositive : Integer.MAX_VALUE - resultIfPositive;
    }

    /** 1/x for a sum with xIntegerDigits integer bits; returns raw with 0 integer bits and bits over unit. */
    static int reciprocal(int x, int xIntegerDigits, int[] numBitsOverUnit) {
        int headroomPlusOne = Integer.numberOfLeadingZeros(x);
        numBitsOverUnit[0] = xIntegerDigits - headroomPlusOne;
        int shiftedSumMinusOne = (x << headroomPlusOne) - (1 << 31);
        return oneOverOnePlusXForXIn01(shiftedSumMinusOne);
    }
}
