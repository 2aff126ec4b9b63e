package io.maskgate.tinyml.kernels;

import static io.maskgate.tinyml.kernels.QuantMath.multiplyByQuantizedMultiplier;

import io.maskgate.tinyml.interpreter.Arithmetic;
import io.maskgate.tinyml.model.ModelFormatException;
import io.maskgate.tinyml.model.OperatorSpec;
import io.maskgate.tinyml.model.TensorSpec;

/**
 * int8 ADD (TFLM reference): both inputs are shifted left by 20 bits, scaled to twice the larger input scale,
 * summed, then rescaled to the output; with broadcasting. Under {@link Arithmetic#TFLITE_REFERENCE} (cross-checks
 * only) it follows XNNPACK's qs8 add instead: integer multipliers of about 21 bits for in/out scale ratios,
 * one arithmetic shift with round-half-up.
 */
final class AddKernel implements Kernel {
    private static final int LEFT_SHIFT = 20;
    private final byte[] a, b, out;
    private final int aBase, bBase, outBase, n;
    private final int offset1, offset2, outputOffset, mult1, shift1, mult2, shift2, multOut, shiftOut, actMin, actMax;
    private final BroadcastIndex bc;
    /** XNNPACK form (cross-checks only): out = (bias + x1 * xnnA + x2 * xnnB) >> xnnShift, x raw int8. */
    private final boolean xnnpack;
    private final int xnnA, xnnB, xnnBias, xnnShift;

    private AddKernel(OperatorSpec op, KernelContext ctx) throws ModelFormatException {
        TensorSpec in1 = ctx.input(op, 0);
        TensorSpec in2 = ctx.input(op, 1);
        TensorSpec output = ctx.output(op, 0);
        ctx.requireInt8Quantized(op, in1);
        ctx.requireInt8Quantized(op, in2);
        ctx.requireInt8Quantized(op, output);
        bc = new BroadcastIndex(op, in1, in2, output);
        n = (int) output.elementCount();
        float s1 = in1.quantization().scale();
        float s2 = in2.quantization().scale();
        double twiceMaxInputScale = 2 * (double) Math.max(s1, s2);
        QuantMath.Multiplier m1 = QuantMath.quantizeMultiplier((double) s1 / twiceMaxInputScale);
        QuantMath.Multiplier m2 = QuantMath.quantizeMultiplier((double) s2 / twiceMaxInputScale);
        QuantMath.Multiplier mo = QuantMath.quantizeMultiplier(
                twiceMaxInputScale / ((1 << LEFT_SHIFT) * (double) output.quantization().scale()));
        mult1 = m1.multiplier();
        shift1 = m1.shift();
        mult2 = m2.multiplier();
        shift2 = m2.shift();
        multOut = mo.multiplier();
        shiftOut = mo.shift();
        xnnpack = ctx.arithmetic() == Arithmetic.TFLITE_REFERENCE;
        {
            // XNNPACK: ratios in/out computed in float; the larger gets 21 significant bits.
            float outScale = output.quantization().scale();
            float r1 = s1 / outScale;
            float r2 = s2 / outScale;
            int maxExponent = Math.getExponent(Math.max(r1, r2));
            int shift = 20 - maxExponent;
            if (xnnpack && (shift < 12 || shift > 30)) {
                throw KernelContext.fail(op, "input/output scale ratio outside XNNPACK's add range");
            }
            xnnShift = shift;
            xnnA = (int) Math.rint(Math.scalb(r1, shift));
            xnnB = (int) Math.rint(Math.scalb(r2, shift));
            xnnBias = xnnpack ? (1 << (shift - 1)) - xnnA * in1.quantization().zeroPoint()
                    - xnnB * in2.quantization().zeroPoint() : 0;
        }
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
        return new AddKernel(op, ctx);
    }

    @Override
    public void invoke() {
        if (xnnpack) {
            invokeXnnpack();
            return;
        }
        for (int i = 0; i < n; i++) {
            int i1 = bc.identity ? i : bc.idx1[i];
            int i2 = bc.identity ? i : bc.idx2[i];
            int x1 = (a[aBase + i1] + offset1) * (1 << LEFT_SHIFT);
            int x2 = (b[bBase + i2] + offset2) * (1 << LEFT_SHIFT);
            int s1 = multiplyByQuantizedMultiplier(x1, mult1, shift1);
            int s2 = multiplyByQuantizedMultiplier(x2, mult2, shift2);
            int v = multiplyByQuantizedMultiplier(s1 + s2, multOut, shiftOut) + outputOffset;
            out[outBase + i] = (byte) Math.min(Math.max(v, actMin), actMax);
        }
    }

    private void invokeXnnpack() {
        for (int i = 0; i < n; i++) {
            int i1 = bc.identity ? i : bc.idx1[i];
            int i2 = bc.identity ? i : bc.idx2[i];
            int v = ((xnnBias + a[aBase + i1] * xnnA + b[bBase + i2] * xnnB) >> xnnShift) + outputOffset;
            out[outBase + i] = (byte) Math.min(Math.max(v, actMin), actMax);
        }
    }
}
