package io.maskgate.tinyml.kernels;

import io.maskgate.tinyml.model.ModelFormatException;
import io.maskgate.tinyml.model.OperatorSpec;
import io.maskgate.tinyml.model.TensorSpec;

/** RESHAPE: same bytes under a new shape; element count and type must be preserved. */
final class CopyKernel implements Kernel {
    private final byte[] in, out;
    private final int inBase, outBase, bytes;

    private CopyKernel(OperatorSpec op, KernelContext ctx) throws ModelFormatException {
        TensorSpec input = ctx.input(op, 0);
        TensorSpec output = ctx.output(op, 0);
        if (input.type() != output.type()) {
            throw KernelContext.fail(op, "input " + input.type() + " and output " + output.type() + " differ");
        }
        if (input.elementCount() != output.elementCount()) {
            throw KernelContext.fail(op, "cannot reshape " + input.elementCount() + " elements into "
                    + output.elementCount());
        }
        if (input.type().bytes() == 1 && input.quantization().isQuantized()
                && !input.quantization().equals(output.quantization())) {
            throw KernelContext.fail(op, "input and output quantisation must match");
        }
        bytes = (int) input.byteSize();
        in = ctx.array(op.inputs()[0]);
        inBase = ctx.base(op.inputs()[0]);
        out = ctx.array(op.outputs()[0]);
        outBase = ctx.base(op.outputs()[0]);
    }

    static Kernel prepare(OperatorSpec op, KernelContext ctx) throws ModelFormatException {
        return new CopyKernel(op, ctx);
    }

    @Override
    public void invoke() {
        if (in != out || inBase != outBase) {
            System.arraycopy(in, inBase, out, outBase, bytes);
        }
    }
}
