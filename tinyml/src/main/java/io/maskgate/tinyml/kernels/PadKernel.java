package io.maskgate.tinyml.kernels;

import io.maskgate.tinyml.model.ModelFormatException;
import io.maskgate.tinyml.model.OperatorSpec;
import io.maskgate.tinyml.model.TensorSpec;
import java.util.Arrays;

/** int8 PAD up to rank 4 with constant paddings; padded cells hold the output zero point (real 0.0). */
final class PadKernel implements Kernel {
    private final byte[] in, out;
    private final int inBase, outBase, outCount;
    private final byte padValue;
    private final int[] inShape, outShape, before;

    private PadKernel(OperatorSpec op, KernelContext ctx) throws ModelFormatException {
        TensorSpec input = ctx.input(op, 0);
        TensorSpec paddings = ctx.input(op, 1);
        TensorSpec output = ctx.output(op, 0);
        ctx.requireInt8Quantized(op, input);
        ctx.requireInt8Quantized(op, output);
        if (!input.quantization().equals(output.quantization())) {
            throw KernelContext.fail(op, "input and output quantisation must match");
        }
        int rank = input.shape().length;
        if (rank > 4) {
            throw KernelContext.fail(op, "PAD supports rank <= 4");
        }
        int[] p = ctx.constantInts(op, paddings);
        if (p.length != 2 * rank) {
            throw KernelContext.fail(op, "paddings has " + p.length + " values for rank " + rank);
        }
        int[] s = input.shape();
        int[] expected = new int[rank];
        int[] b = new int[rank];
        for (int d = 0; d < rank; d++) {
            if (p[2 * d] < 0 || p[2 * d + 1] < 0) {
                throw KernelContext.fail(op, "negative padding");
            }
            b[d] = p[2 * d];
            expected[d] = s[d] + p[2 * d] + p[2 * d + 1];
        }
        Shapes.requireShape(op, output, expected);
        inShape = Shapes.extend(s, 4);
        outShape = Shapes.extend(expected, 4);
        before = Shapes.extend(b, 4);
        for (int d = 0; d < 4 - rank; d++) {
            before[d] = 0;
        }
        padValue = (byte) output.quantization().zeroPoint();
        outCount = (int) output.elementCount();
        in = ctx.array(op.inputs()[0]);
        inBase = ctx.base(op.inputs()[0]);
        out = ctx.array(op.outputs()[0]);
        outBase = ctx.base(op.outputs()[0]);
    }

    static Kernel prepare(OperatorSpec op, KernelContext ctx) throws ModelFormatException {
        return new PadKernel(op, ctx);
    }

    @Override
    public void invoke() {
        Arrays.fill(out, outBase, outBase + outCount, padValue);
        int row = inShape[3];
        for (int a = 0; a < inShape[0]; a++) {
            for (int y = 0; y < inShape[1]; y++) {
                for (int x = 0; x < inShape[2]; x++) {
                    int src = inBase + ((a * inShape[1] + y) * inShape[2] + x) * row;
                    int dst = outBase + (((a + before[0]) * outShape[1] + y + before[1]) * outShape[2] + x + before[2])
                            * outShape[3] + before[3];
                    System.arraycopy(in, src, out, dst, row);
                }
            }
        }
    }
}
