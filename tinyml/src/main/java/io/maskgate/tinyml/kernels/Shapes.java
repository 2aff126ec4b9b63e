package io.maskgate.tinyml.kernels;

import io.maskgate.tinyml.model.ModelFormatException;
import io.maskgate.tinyml.model.OperatorSpec;
import io.maskgate.tinyml.model.Padding;
import io.maskgate.tinyml.model.TensorSpec;
import java.util.Arrays;

/** Shape helpers with TFLite's output-size and padding rules. */
final class Shapes {
    private Shapes() {
    }

    static int outputSize(Padding padding, int in, int filter, int stride, int dilation) {
        int effective = (filter - 1) * dilation + 1;
        return padding == Padding.SAME ? (in + stride - 1) / stride : (in - effective + stride) / stride;
    }

    /** Leading (top/left) padding; the odd extra cell goes to the bottom/right, as TFLite does. */
    static int padding(int stride, int dilation, int in, int filter, int out) {
        int effective = (filter - 1) * dilation + 1;
        int total = (out - 1) * stride + effective - in;
        return Math.max(total, 0) / 2;
    }

    static void requireRank(OperatorSpec op, TensorSpec t, int rank) throws ModelFormatException {
        if (t.shape().length != rank) {
            throw KernelContext.fail(op, "tensor " + t.name() + " has shape " + Arrays.toString(t.shape())
                    + ", expected rank " + rank);
        }
    }

    static void requireShape(OperatorSpec op, TensorSpec t, int... shape) throws ModelFormatException {
        if (!Arrays.equals(t.shape(), shape)) {
            throw KernelContext.fail(op, "tensor " + t.name() + " has shape " + Arrays.toString(t.shape())
                    + ", expected " + Arrays.toString(shape));
        }
    }

    static void requirePositive(OperatorSpec op, int... values) throws ModelFormatException {
        for (int v : values) {
            if (v <= 0) {
                throw KernelContext.fail(op, "stride, filter and dilation must be positive, got " + v);
            }
        }
    }

    /** Shape extended on the left with 1s to the given rank. */
    static int[] extend(int[] shape, int rank) {
        int[] r = new int[rank];
        Arrays.fill(r, 1);
        System.arraycopy(shape, 0, r, rank - shape.length, shape.length);
        return r;
    }
}
