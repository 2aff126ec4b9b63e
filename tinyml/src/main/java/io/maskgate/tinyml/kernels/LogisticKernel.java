package io.maskgate.tinyml.kernels;

import io.maskgate.tinyml.interpreter.Arithmetic;
import io.maskgate.tinyml.model.ModelFormatException;
import io.maskgate.tinyml.model.OperatorSpec;
import io.maskgate.tinyml.model.TensorSpec;

/**
 * int8 LOGISTIC in fixed point, as TFLM's reference integer logistic: input rescaled to 4 integer bits, gemmlowp
 * logistic, output in 1/256 steps offset by -128; inputs beyond the radius saturate.
 * Under {@link Arithmetic#TFLITE_REFERENCE} (cross-checks only) it follows desktop TFLite's builtin int8 logistic
 * (XNNPACK does not take int8 LOGISTIC, so TFLite runs its own kernel): a 256-entry table built in float,
 * {@code round(sigmoid(in_scale * (q - in_zp)) / out_scale) + out_zp} with rounding half away from zero, clamped.
 */
final class LogisticKernel implements Kernel {
    private static final int INPUT_INTEGER_BITS = 4;
    private final byte[] in, out;
    private final int inBase, outBase, n, inputZeroPoint, inputMultiplier, inputLeftShift, radius;
    /** Output for every int8 input (index q + 128) under TFLITE_REFERENCE rules, or null under TFLM rules. */
    private final byte[] table;

    private LogisticKernel(OperatorSpec op, KernelContext ctx) throws ModelFormatException {
        TensorSpec input = ctx.input(op, 0);
        TensorSpec output = ctx.output(op, 0);
        ctx.requireInt8Quantized(op, input);
        ctx.requireInt8Quantized(op, output);
        if (output.quantization().zeroPoint() != -128) {
            throw KernelContext.fail(op, "int8 logistic output must have zero point -128");
        }
        if (input.elementCount() != output.elementCount()) {
            throw KernelContext.fail(op, "input and output sizes differ");
        }
        n = (int) input.elementCount();
        inputZeroPoint = input.quantization().zeroPoint();
        double real = (double) input.quantization().scale() * (double) (1 << (31 - INPUT_INTEGER_BITS));
        int exp = Math.getExponent(real) + 1;
        double q = real / Math.scalb(1.0, exp);
        inputLeftShift = exp;
        inputMultiplier = (int) QuantMath.roundHalfAway(q * (1L << 31));
        if (inputLeftShift < 0 || inputLeftShift > 31) {
            throw KernelContext.fail(op, "input scale " + input.quantization().scale() + " out of range for int8 logistic");
        }
        radius = SoftmaxKernel.inputRadius(INPUT_INTEGER_BITS, inputLeftShift);
        table = ctx.arithmetic() == Arithmetic.TFLITE_REFERENCE
                ? floatTable(input.quantization().scale(), inputZeroPoint, output.quantization().scale(),
                        output.quantization().zeroPoint())
                : null;
        in = ctx.array(op.inputs()[0]);
        inBase = ctx.base(op.inputs()[0]);
        out = ctx.array(op.outputs()[0]);
        outBase = ctx.base(op.outputs()[0]);
    }

    /** TFLite's float lookup table: every step in float32 as TFLite computes it, rounding half away from zero. */
    static byte[] floatTable(float inScale, int inZeroPoint, float outScale, int outZeroPoint) {
        byte[] t = new byte[256];
        float inverseOutScale = 1.0f / outScale;
        for (int q = -128; q <= 127; q++) {
            float x = inScale * (float) (q - inZeroPoint);
            float sigmoid = 1.0f / (1.0f + (float) Math.exp(-x));
            float rescaled = (float) QuantMath.roundHalfAway(sigmoid * inverseOutScale);
            int v = (int) (rescaled + (float) outZeroPoint);
            t[q + 128] = (byte) Math.min(Math.max(v, -128), 127);
        }
        return t;
    }

    static Kernel prepare(OperatorSpec op, KernelContext ctx) throws ModelFormatException {
        return new LogisticKernel(op, ctx);
    }

    @Override
    public void invoke() {
        if (table != null) {
            for (int i = 0; i < n; i++) {
                out[outBase + i] = table[in[inBase + i] + 128];
            }
            return;
        }
        for (int i = 0; i < n; i++) {
            int x = in[inBase + i] - inputZeroPoint;
            int v;
            if (x <= -radius) {
                v = -128;
            } else if (x >= radius) {
                v = 127;
            } else {
                int q4 = QuantMath.multiplyByQuantizedMultiplier(x, inputMultiplier, inputLeftShift);
                int q0 = FixedPoint.logistic(q4, INPUT_INTEGER_BITS);
                v = Math.min(Math.max(QuantMath.roundingDivideByPOT(q0, 31 - 8) - 128, -128), 127);
            }
            out[outBase + i] = (byte) v;
        }
    }
}
