package io.maskgate.tinyml.kernels;

import io.maskgate.tinyml.model.ModelFormatException;
import io.maskgate.tinyml.model.OperatorSpec;
import io.maskgate.tinyml.model.TensorSpec;

/** int8 MUL (TFLM reference): (x1 - zp1) * (x2 - zp2) requantised by s1*s2/so; with broadcasting. */
final class MulKernel implements Kernel {
    private final byte[] a, b, out;
    private final int aBase, bBase, outBase, n, offset1, offset2, outputOffset, mult, shift, actMin, actMax;
    private final BroadcastIndex bc;

    private MulKernel(OperatorSpec op, KernelContext ctx) throws ModelFormatException {
        TensorSpec in1 = ctx.input(op, 0);
        TensorSpec in2 = ctx.input(op, 1);
        TensorSpec output = ctx.output(op, 0);
        ctx.requireInt8Quantized(op, in1);
        ctx.requireInt8Quantized(op, in2);
        ctx.requireInt8Quantized(op, output);
        bc = new BroadcastIndex(op, in1, in2, output);
        n = (int) output.elementCount();
        QuantMath.Multiplier m = QuantMath.quantizeMultiplier((double) in1.quantization().scale()
                * (double) in2.quantization().scale() / (double) output.quantization().scale());
        mult = m.multiplier();
        shift = m.shift();
        offset1 = -in1.quantization().zeroPoint();
        offset2 = -in2.quantization().zeroPoint();
        outputOffset = output.quantization().zeroPoint();
        int[] range = QuantMath.activationRange(op.options().activation(), output.quantization());
        actMin = range[0];
        actMax = range[1];
        a = ctx.array(op.inputs()[0]);
        aBase = ctx.base(op.inputs()[0]);
        b = ctx.array(op.inputs()[1]);
        bBase = ctx.base(op.inputs()[1]);
        out = ctx.array(op.outputs()[0]);
        outBase = ctx.base(op.outputs()[0]);
    }

    static Kernel prepare(OperatorSpec op, KernelContext ctx) throws ModelFormatException {
        return new MulKernel(op, ctx);
    }

    @Override
    public void invoke() {
        for (int i = 0; i < n; i++) {
            int i1 = bc.identity ? i : bc.idx1[i];
            int i2 = bc.identity ? i : bc.idx2[i];
            int p = (a[aBase + i1] + offset1) * (b[bBase + i2] + offset2);
            int v = QuantMath.multiplyByQuantizedMultiplier(p, mult, shift) + outputOffset;
            out[outBase + i] = (byte) Math.min(Math.max(v, actMin), actMax);
        }
    }
}
