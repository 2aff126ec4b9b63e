package io.maskgate.tinyml.kernels;

import io.maskgate.tinyml.model.ModelFormatException;
import io.maskgate.tinyml.model.OperatorSpec;
import io.maskgate.tinyml.model.TensorSpec;

/**
 * int8 FULLY_CONNECTED (TFLM reference arithmetic). Per-tensor weights use TFLM's multiplier
 * double(float(input scale * filter scale)) / double(output scale); per-channel weights the conv formula.
 * Input rows = elements / depth (TFLite flattens leading dimensions).
 */
final class FullyConnectedKernel implements Kernel {
    private final byte[] in, out;
    private final int inBase, outBase, batches, depth, units, inputOffset, outputOffset, actMin, actMax;
    private final int[] weights;
    private final ChannelMultipliers q;
    private final int[] acc;

    private FullyConnectedKernel(OperatorSpec op, KernelContext ctx) throws ModelFormatException {
        WeightedOp w = WeightedOp.of(op, ctx);
        TensorSpec input = w.input();
        TensorSpec filter = w.filter();
        TensorSpec bias = w.bias();
        TensorSpec output = w.output();
        Shapes.requireRank(op, filter, 2);
        units = filter.dim(0);
        depth = filter.dim(1);
        if (depth == 0 || input.elementCount() % depth != 0) {
            throw KernelContext.fail(op, "input of " + input.elementCount() + " elements is not a multiple of the "
                    + "weights depth " + depth);
        }
        batches = (int) (input.elementCount() / depth);
        if (output.elementCount() != (long) batches * units) {
            throw KernelContext.fail(op, "output " + output.name() + " has " + output.elementCount()
                    + " elements, expected " + batches + "x" + units);
        }
        inputOffset = w.inputOffset();
        outputOffset = w.outputOffset();
        actMin = w.actMin();
        actMax = w.actMax();
        q = ChannelMultipliers.of(op, ctx, input, filter, bias, output, units, 0, true);
        byte[] f = filter.data();
        weights = new int[f.length];
        for (int u = 0; u < units; u++) {
            for (int d = 0; d < depth; d++) {
                weights[d * units + u] = f[u * depth + d];
            }
        }
        in = ctx.array(op.inputs()[0]);
        inBase = ctx.base(op.inputs()[0]);
        out = ctx.array(op.outputs()[0]);
        outBase = ctx.base(op.outputs()[0]);
        acc = new int[units];
    }

    static Kernel prepare(OperatorSpec op, KernelContext ctx) throws ModelFormatException {
        return new FullyConnectedKernel(op, ctx);
    }

    @Override
    public void invoke() {
        final int[] acc = this.acc;
        final int[] w = weights;
        final int n = units;
        for (int b = 0; b < batches; b++) {
            System.arraycopy(q.bias, 0, acc, 0, n);
            int inPos = inBase + b * depth;
            for (int d = 0, wPos = 0; d < depth; d++, wPos += n) {
                int xv = in[inPos + d] + inputOffset;
                if (xv == 0) {
                    continue;
                }
                for (int u = 0; u < n; u++) {
                    acc[u] += w[wPos + u] * xv;
                }
            }
            int outPos = outBase + b * n;
            for (int u = 0; u < n; u++) {
                int v = q.requantize(acc[u], u) + outputOffset;
                out[outPos + u] = (byte) Math.min(Math.max(v, actMin), actMax);
            }
        }
    }
}
