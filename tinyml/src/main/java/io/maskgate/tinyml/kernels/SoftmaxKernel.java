package io.maskgate.tinyml.kernels;

import io.maskgate.tinyml.interpreter.Arithmetic;
import io.maskgate.tinyml.model.ModelFormatException;
import io.maskgate.tinyml.model.OperatorSpec;
import io.maskgate.tinyml.model.TensorSpec;

/**
 * int8 SOFTMAX over the last dimension in fixed point, as TFLite's reference int8 softmax: differences to the row
 * maximum scaled by beta*scale into 5 integer bits, exp on negative values, sum with 12 integer bits, reciprocal,
 * output in 1/256 steps offset by -128. Differences below diff_min contribute nothing and output -128.
 * Under {@link Arithmetic#TFLITE_REFERENCE} (cross-checks only) it follows desktop TFLite's optimized int8
 * softmax instead: a float table exp(-input scale * beta * (max - x)), a float sum, and
 * round(e / (sum * output scale)) + output zero point.
 */
final class SoftmaxKernel implements Kernel {
    static final int SCALED_DIFF_INTEGER_BITS = 5;
    static final int ACCUMULATION_INTEGER_BITS = 12;
    private final byte[] in, out;
    private final int inBase, outBase, rows, depth, inputMultiplier, inputLeftShift, diffMin;
    private final int[] bitsOverUnit = new int[1];
    /** exp(-input scale * beta * d) for d = 0..255 in float, or null under TFLM rules. */
    private final float[] expTable;
    private final float outScale;
    private final int outZeroPoint;

    private SoftmaxKernel(OperatorSpec op, KernelContext ctx) throws ModelFormatException {
        TensorSpec input = ctx.input(op, 0);
        TensorSpec output = ctx.output(op, 0);
        ctx.requireInt8Quantized(op, input);
        ctx.requireInt8Quantized(op, output);
        if (output.quantization().zeroPoint() != -128) {
            throw KernelContext.fail(op, "int8 softmax output must have zero point -128, has "
                    + output.quantization().zeroPoint());
        }
        if (input.elementCount() != output.elementCount() || input.shape().length == 0) {
            throw KernelContext.fail(op, "input and output shapes differ");
        }
        depth = input.dim(input.shape().length - 1);
        rows = depth == 0 ? 0 : (int) (input.elementCount() / depth);
        double real = Math.min((double) op.options().beta() * (double) input.quantization().scale()
                * (double) (1 << (31 - SCALED_DIFF_INTEGER_BITS)), (double) ((1L << 31) - 1));
        QuantMath.Multiplier m = QuantMath.quantizeMultiplier(real);
        if (m.shift() < 0) {
            throw KernelContext.fail(op, "beta * input scale too small for int8 softmax");
        }
        inputMultiplier = m.multiplier();
        inputLeftShift = m.shift();
        diffMin = -inputRadius(SCALED_DIFF_INTEGER_BITS, inputLeftShift);
        outScale = output.quantization().scale();
        outZeroPoint = output.quantization().zeroPoint();
        if (ctx.arithmetic() == Arithmetic.TFLITE_REFERENCE) {
            expTable = new float[256];
            float negScaledBeta = -input.quantization().scale() * op.options().beta();
            for (int d = 0; d < 256; d++) {
                expTable[d] = (float) Math.exp(negScaledBeta * d);
            }
        } else {
            expTable = null;
        }
        in = ctx.array(op.inputs()[0]);
        inBase = ctx.base(op.inputs()[0]);
        out = ctx.array(op.outputs()[0]);
        outBase = ctx.base(op.outputs()[0]);
    }

    /** TFLite CalculateInputRadius with 31 total signed bits. */
    static int inputRadius(int integerBits, int leftShift) {
        double maxRescaled = 1.0 * ((1 << integerBits) - 1) * (double) (1L << (31 - integerBits))
                / (double) (1L << leftShift);
        return (int) Math.floor(maxRescaled);
    }

    static Kernel prepare(OperatorSpec op, KernelContext ctx) throws ModelFormatException {
        return new SoftmaxKernel(op, ctx);
    }

    private int scaledDiff(int diff) {
        return QuantMath.saturatingRoundingDoublingHighMul(diff * (1 << inputLeftShift), inputMultiplier);
    }

    @Override
    public void invoke() {
        if (expTable != null) {
            invokeFloatTable();
            return;
        }
        for (int r = 0; r < rows; r++) {
            int base = inBase + r * depth;
            int max = -128;
            for (int c = 0; c < depth; c++) {
                max = Math.max(max, in[base + c]);
            }
            int sumOfExps = 0;
            for (int c = 0; c < depth; c++) {
                int diff = in[base + c] - max;
                if (diff >= diffMin) {
                    int e = FixedPoint.expOnNegativeValues(scaledDiff(diff), SCALED_DIFF_INTEGER_BITS);
                    sumOfExps += FixedPoint.rescale(e, 0, ACCUMULATION_INTEGER_BITS);
                }
            }
            int shiftedScale = FixedPoint.reciprocal(sumOfExps, ACCUMULATION_INTEGER_BITS, bitsOverUnit);
            int outPos = outBase + r * depth;
            for (int c = 0; c < depth; c++) {
                int diff = in[base + c] - max;
                int v;
                if (diff >= diffMin) {
                    int e = FixedPoint.expOnNegativeValues(scaledDiff(diff), SCALED_DIFF_INTEGER_BITS);
                    int unsat = QuantMath.roundingDivideByPOT(
                            QuantMath.saturatingRoundingDoublingHighMul(shiftedScale, e), bitsOverUnit[0] + 31 - 8);
                    v = Math.min(Math.max(unsat - 128, -128), 127);
                } else {
                    v = -128;
                }
                out[outPos + c] = (byte) v;
            }
        }
    }

    private void invokeFloatTable() {
        for (int r = 0; r < rows; r++) {
            int base = inBase + r * depth;
            int max = -128;
            for (int c = 0; c < depth; c++) {
                max = Math.max(max, in[base + c]);
            }
            float sum = 0f;
            for (int c = 0; c < depth; c++) {
                sum += expTable[max - in[base + c]];
            }
            float inverse = 1.0f / (sum * outScale);
            int outPos = outBase + r * depth;
            for (int c = 0; c < depth; c++) {
                int v = (int) QuantMath.roundHalfAway(expTable[max - in[base + c]] * inverse) + outZeroPoint;
                out[outPos + c] = (byte) Math.min(Math.max(v, -128), 127);
            }
        }
    }
}
