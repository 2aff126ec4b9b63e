package io.maskgate.tinyml.kernels;

import io.maskgate.tinyml.model.ModelFormatException;
import io.maskgate.tinyml.model.OperatorSpec;
import io.maskgate.tinyml.model.TensorSpec;

/**
 * int8 LOGISTIC in fixed point, as TFLM's reference integer logistic: input rescaled to 4 integer bits, gemmlowp
 * logistic, output in 1/256 steps offset by -128; inputs beyond the radius saturate.
 */
final class LogisticKernel implements Kernel {
    private static final int INPUT_INTEGER_BITS = 4;
    private final byte[] in, out;
    private final int inBase, outBase, n, inputZeroPoint, inputMultiplier, inputLeftShift, radius;

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
        in = ctx.array(op.inputs()[0]);
        inBase = ctx.base(op.inputs()[0]);
        out = ctx.array(op.outputs()[0]);
        outBase = ctx.base(op.outputs()[0]);
    }

    static Kernel prepare(OperatorSpec op, KernelContext ctx) throws ModelFormatException {
        return new LogisticKernel(op, ctx);
    }

    @Override
    public void invoke() {
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
