package io.maskgate.tinyml.kernels;

import io.maskgate.tinyml.model.ModelFormatException;
import io.maskgate.tinyml.model.OperatorSpec;
import io.maskgate.tinyml.model.TensorSpec;

/** int8 CONCATENATION along one axis; like TFLM, inputs must share the output's quantisation (a byte copy). */
final class ConcatenationKernel implements Kernel {
    private final byte[][] ins;
    private final int[] inBases, chunk;
    private final byte[] out;
    private final int outBase, outer;

    private ConcatenationKernel(OperatorSpec op, KernelContext ctx) throws ModelFormatException {
        TensorSpec output = ctx.output(op, 0);
        ctx.requireInt8Quantized(op, output);
        int rank = output.shape().length;
        int axis = op.options().axis() < 0 ? op.options().axis() + rank : op.options().axis();
        if (axis < 0 || axis >= rank) {
            throw KernelContext.fail(op, "axis " + op.options().axis() + " out of range for rank " + rank);
        }
        int n = op.inputs().length;
        ins = new byte[n][];
        inBases = new int[n];
        chunk = new int[n];
        int o = 1;
        for (int d = 0; d < axis; d++) {
            o *= output.dim(d);
        }
        outer = o;
        int axisSum = 0;
        for (int i = 0; i < n; i++) {
            TensorSpec t = ctx.input(op, i);
            ctx.requireInt8Quantized(op, t);
            if (!t.quantization().equals(output.quantization())) {
                throw KernelContext.fail(op, "input " + t.name() + " quantisation differs from the output's");
            }
            if (t.shape().length != rank) {
                throw KernelContext.fail(op, "input " + t.name() + " rank differs from the output's");
            }
            int inner = 1;
            for (int d = 0; d < rank; d++) {
                if (d != axis && t.dim(d) != output.dim(d)) {
                    throw KernelContext.fail(op, "input " + t.name() + " shape does not fit the output");
                }
                if (d >= axis) {
                    inner *= t.dim(d);
                }
            }
            axisSum += t.dim(axis);
            chunk[i] = inner;
            ins[i] = ctx.array(op.inputs()[i]);
            inBases[i] = ctx.base(op.inputs()[i]);
        }
        if (axisSum != output.dim(axis)) {
            throw KernelContext.fail(op, "inputs add up to " + axisSum + " along axis, output has " + output.dim(axis));
        }
        out = ctx.array(op.outputs()[0]);
        outBase = ctx.base(op.outputs()[0]);
    }

    static Kernel prepare(OperatorSpec op, KernelContext ctx) throws ModelFormatException {
        return new ConcatenationKernel(op, ctx);
    }

    @Override
    public void invoke() {
        int pos = outBase;
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < ins.length; i++) {
                System.arraycopy(ins[i], inBases[i] + o * chunk[i], out, pos, chunk[i]);
                pos += chunk[i];
            }
        }
    }
}
