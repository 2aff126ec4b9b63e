package io.maskgate.tinyml.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Random;
import org.junit.jupiter.api.Test;

class QuantMathTest {

    @Test
    void saturatingRoundingDoublingHighMulRoundsHalfAwayAndSaturates() {
        assertEquals(Integer.MAX_VALUE,
                QuantMath.saturatingRoundingDoublingHighMul(Integer.MIN_VALUE, Integer.MIN_VALUE));
        // 3 * 2^30 * 2 / 2^32 = 1.5 -> 2 ; gemmlowp nudges negative ties toward zero: -1.5 -> -1
        assertEquals(2, QuantMath.saturatingRoundingDoublingHighMul(3, 1 << 30));
        assertEquals(-1, QuantMath.saturatingRoundingDoublingHighMul(-3, 1 << 30));
        assertEquals(-2, QuantMath.saturatingRoundingDoublingHighMul(-7, 1 << 29)); // -1.75
        assertEquals(1, QuantMath.saturatingRoundingDoublingHighMul(1, 1 << 30)); // 0.5 -> 1
    }

    @Test
    void roundingDivideByPotRoundsHalfAwayFromZero() {
        assertEquals(2, QuantMath.roundingDivideByPOT(3, 1)); // 1.5
        assertEquals(-2, QuantMath.roundingDivideByPOT(-3, 1)); // -1.5
        assertEquals(1, QuantMath.roundingDivideByPOT(5, 2)); // 1.25
        assertEquals(-1, QuantMath.roundingDivideByPOT(-5, 2)); // -1.25
        assertEquals(-2, QuantMath.roundingDivideByPOT(-7, 2)); // -1.75
        assertEquals(7, QuantMath.roundingDivideByPOT(7, 0));
    }

    @Test
    void quantizeMultiplierMatchesFrexpConvention() {
        assertEquals(new QuantMath.Multiplier(1 << 30, 0), QuantMath.quantizeMultiplier(0.5));
        assertEquals(new QuantMath.Multiplier(1 << 30, 1), QuantMath.quantizeMultiplier(1.0));
        assertEquals(new QuantMath.Multiplier(1610612736, 0), QuantMath.quantizeMultiplier(0.75));
        assertEquals(new QuantMath.Multiplier(1 << 30, -3), QuantMath.quantizeMultiplier(1.0 / 16));
        assertEquals(new QuantMath.Multiplier(0, 0), QuantMath.quantizeMultiplier(0.0));
        assertEquals(new QuantMath.Multiplier(0, 0), QuantMath.quantizeMultiplier(1e-12)); // shift < -31
        // significand that rounds up to 2^31 is renormalised
        QuantMath.Multiplier m = QuantMath.quantizeMultiplier(Math.nextDown(1.0));
        assertEquals(1 << 30, m.multiplier());
        assertEquals(1, m.shift());
    }

    @Test
    void multiplyByQuantizedMultiplierIsWithinOneOfExactAndExactAwayFromTies() {
        Random rnd = new Random(7);
        int exact = 0;
        int n = 20000;
        for (int i = 0; i < n; i++) {
            double real = Math.exp(-8 * rnd.nextDouble()) * (rnd.nextBoolean() ? 4 : 1) * 0.9;
            int x = rnd.nextInt(200001) - 100000;
            QuantMath.Multiplier m = QuantMath.quantizeMultiplier(real);
            int got = m.apply(x);
            BigDecimal want = BigDecimal.valueOf(x).multiply(BigDecimal.valueOf(m.multiplier()))
                    .multiply(BigDecimal.valueOf(2).pow(m.shift() + 33)).divide(BigDecimal.valueOf(2).pow(64))
                    .setScale(0, RoundingMode.HALF_UP);
            int w = want.intValue();
            assertTrue(Math.abs(got - w) <= 1, "x=" + x + " m=" + m + " got " + got + " want " + w);
            if (got == w) {
                exact++;
            }
        }
        // double rounding differs from a single exact rounding only near ties
        assertTrue(exact > n * 0.95, "exact " + exact + " of " + n);
    }

    @Test
    void activationRangesFollowOutputQuantisation() {
        io.maskgate.tinyml.model.Quantization q = io.maskgate.tinyml.model.Quantization.perTensor(0.05f, -10);
        assertEquals(-10, QuantMath.activationRange(io.maskgate.tinyml.model.Activation.RELU, q)[0]);
        assertEquals(127, QuantMath.activationRange(io.maskgate.tinyml.model.Activation.RELU, q)[1]);
        assertEquals(110, QuantMath.activationRange(io.maskgate.tinyml.model.Activation.RELU6, q)[1]); // -10+120
        assertEquals(-30, QuantMath.activationRange(io.maskgate.tinyml.model.Activation.RELU_N1_TO_1, q)[0]);
    }
}
