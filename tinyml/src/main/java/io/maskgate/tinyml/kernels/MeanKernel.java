package io.maskgate.tinyml.kernels;

import io.maskgate.tinyml.model.ModelFormatException;
import io.maskgate.tinyml.model.OperatorSpec;
import io.maskgate.tinyml.model.TensorSpec;

/**
 * int8 MEAN over constant axes (TFLM reduce): with equal input/output quantisation the raw sum is divided by
 * the element count truncating toward zero; otherwise the sum minus zp*count is requantised with the multiplier
 * input/output scale folded with 1/count exactly as TFLite's QuantizedMeanOrSum does. Under
 * {@link io.maskgate.tinyml.interpreter.Arithmetic#TFLITE_REFERENCE} (cross-checks only) it requantises like
 * XNNPACK's global average pooling: rint(float(sum - zp*count) * in_scale / (out_scale * count)) + out zp.
 */
final class MeanKernel implements Kernel {
    private final byte[] in, out;
    private final int inBase, outBase, inCount, outCount, count, inZp, outZp, mult, shift;
    private final boolean sameQuant;
    private final int[] outIndex;
    private final int[] sums;
    /** XNNPACK global-average-pool requantisation scale in float (TFLITE_REFERENCE only), else 0. */
    private final float floatScale;

    private MeanKernel(OperatorSpec op, KernelContext ctx) throws ModelFormatException {
        TensorSpec input = ctx.input(op, 0);
        TensorSpec axisT = ctx.input(op, 1);
        TensorSpec output = ctx.output(op, 0);
        ctx.requireInt8Quantized(op, input);
        ctx.requireInt8Quantized(op, output);
        int[] axes = ctx.constantInts(op, axisT);
        int[] shape = input.shape();
        int rank = shape.length;
        boolean[] reduced = new boolean[rank];
        for (int a : axes) {
            int r = a < 0 ? a + rank : a;
            if (r < 0 || r >= rank) {
                throw KernelContext.fail(op, "axis " + a + " out of range for rank " + rank);
            }
            reduced[r] = true;
        }
        long c = 1;
        long outElems = 1;
        for (int d = 0; d < rank; d++) {
            if (reduced[d]) {
                c *= shape[d];
            } else {
                outElems *= shape[d];
            }
        }
        if (output.elementCount() != outElems) {
            throw KernelContext.fail(op, "output has " + output.elementCount() + " elements, expected " + outElems);
        }
        count = (int) c;
        inCount = (int) input.elementCount();
        outCount = (int) outElems;
        outIndex = new int[inCount];
        int[] idx = new int[rank];
        for (int i = 0; i < inCount; i++) {
            int o = 0;
            for (int d = 0; d < rank; d++) {
                if (!reduced[d]) {
                    o = o * shape[d] + idx[d];
                }
            }
            outIndex[i] = o;
            for (int d = rank - 1; d >= 0; d--) {
                if (++idx[d] < shape[d]) {
                    break;
                }
                idx[d] = 0;
            }
        }
        inZp = input.quantization().zeroPoint();
        outZp = output.quantization().zeroPoint();
        sameQuant = inZp == outZp && input.quantization().scale() == output.quantization().scale();
        QuantMath.Multiplier m = QuantMath.quantizeMultiplier(
                (double) input.quantization().scale() / (double) output.quantization().scale());
        int s = count <= 0 ? 0 : 63 - Long.numberOfLeadingZeros(count);
        s = Math.min(s, 32);
        s = Math.min(s, 31 + m.shift());
        mult = count <= 0 ? m.multiplier() : (int) (((long) m.multiplier() << s) / count);
        shift = m.shift() - s;
        sums = new int[outCount];
        floatScale = ctx.arithmetic() == io.maskgate.tinyml.interpreter.Arithmetic.TFLITE_REFERENCE && count > 0
                ? input.quantization().scale() / (output.quantization().scale() * (float) count) : 0f;
        in = ctx.array(op.inputs()[0]);
        inBase = ctx.base(op.inputs()[0]);
        out = ctx.array(op.outputs()[0]);
        outBase = ctx.base(op.outputs()[0]);
    }

    static Kernel prepare(OperatorSpec op, KernelContext ctx) throws ModelFormatException {
        return new MeanKernel(op, ctx);
    }

    @Override
    public void invoke() {
        java.util.Arrays.fill(sums, 0);
        for (int i = 0; i < inCount; i++) {
            sums[outIndex[i]] += in[inBase + i];
        }
        for (int o = 0; o < outCount; o++) {
            int v;
            if (count == 0) {
                v = 0;
            } else if (floatScale != 0f) {
                v = QuantMath.requantizeFloat(sums[o] - inZp * count, floatScale) + outZp;
            } else if (sameQuant) {
                v = sums[o] / count;
            } else {
                v = QuantMath.multiplyByQuantizedMultiplier(sums[o] - inZp * count, mult, shift) + outZp;
            }
            out[outBase + o] = (byte) Math.min(Math.max(v, -128), 127);
        }
    }
}
