package io.maskgate.tinyml.kernels;

import io.maskgate.tinyml.model.BuiltinOp;
import io.maskgate.tinyml.model.ModelFormatException;
import io.maskgate.tinyml.model.OperatorSpec;
import io.maskgate.tinyml.model.TensorSpec;
import io.maskgate.tinyml.model.TensorType;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * QUANTIZE (float32 -> int8: round(x/scale)+zp, clamped; int8 -> int8: integer requantisation) and DEQUANTIZE
 * (int8 -> float32: scale*(q-zp)). Float tensors sit in the same byte arena, little-endian.
 */
final class QuantizeKernel implements Kernel {
    static final VarHandle FLOATS = MethodHandles.byteArrayViewVarHandle(float[].class, ByteOrder.LITTLE_ENDIAN);
    private enum Mode { FLOAT_TO_INT8, INT8_TO_INT8, INT8_TO_FLOAT }

    private final Mode mode;
    private final byte[] in, out;
    private final int inBase, outBase, n, inZp, outZp, mult, shift;
    private final float outScale;
    private final double inScale;

    private QuantizeKernel(OperatorSpec op, KernelContext ctx) throws ModelFormatException {
        TensorSpec input = ctx.input(op, 0);
        TensorSpec output = ctx.output(op, 0);
        if (input.elementCount() != output.elementCount()) {
            throw KernelContext.fail(op, "input and output sizes differ");
        }
        n = (int) input.elementCount();
        if (op.op() == BuiltinOp.DEQUANTIZE) {
            ctx.requireInt8Quantized(op, input);
            ctx.requireType(op, output, TensorType.FLOAT32);
            mode = Mode.INT8_TO_FLOAT;
        } else if (input.type() == TensorType.FLOAT32) {
            ctx.requireInt8Quantized(op, output);
            mode = Mode.FLOAT_TO_INT8;
        } else {
            ctx.requireInt8Quantized(op, input);
            ctx.requireInt8Quantized(op, output);
            mode = Mode.INT8_TO_INT8;
        }
        inZp = input.quantization().zeroPoint();
        outZp = output.quantization().zeroPoint();
        inScale = input.quantization().scale();
        outScale = output.quantization().scale();
        QuantMath.Multiplier m = QuantMath.quantizeMultiplier(mode == Mode.INT8_TO_INT8
                ? (double) input.quantization().scale() / (double) outScale : 0.0);
        mult = m.multiplier();
        shift = m.shift();
        in = ctx.array(op.inputs()[0]);
        inBase = ctx.base(op.inputs()[0]);
        out = ctx.array(op.outputs()[0]);
        outBase = ctx.base(op.outputs()[0]);
    }

    static Kernel prepare(OperatorSpec op, KernelContext ctx) throws ModelFormatException {
        return new QuantizeKernel(op, ctx);
    }

    @Override
    public void invoke() {
        switch (mode) {
            case FLOAT_TO_INT8:
                for (int i = 0; i < n; i++) {
                    float x = (float) FLOATS.get(in, inBase + 4 * i);
                    int v = QuantMath.roundHalfAway(x / outScale) + outZp;
                    out[outBase + i] = (byte) Math.min(Math.max(v, -128), 127);
                }
                break;
            case INT8_TO_INT8:
                for (int i = 0; i < n; i++) {
                    int v = QuantMath.multiplyByQuantizedMultiplier(in[inBase + i] - inZp, mult, shift) + outZp;
                    out[outBase + i] = (byte) Math.min(Math.max(v, -128), 127);
                }
                break;
            default:
                for (int i = 0; i < n; i++) {
                    FLOATS.set(out, outBase + 4 * i, (float) (inScale * (in[inBase + i] - inZp)));
                }
        }
    }
}
