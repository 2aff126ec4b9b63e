package io.maskgate.tinyml.model;

import java.util.Arrays;

/**
 * The builtin options of one operator, flattened into one value type (fields not used by an op keep their
 * schema defaults). Kept flat so the reader, the kernels and the writer share one small vocabulary.
 */
public record OpOptions(Padding padding, int strideW, int strideH, int filterW, int filterH, int dilationW,
                        int dilationH, int depthMultiplier, Activation activation, int axis, boolean keepDims,
                        float beta, int[] newShape) {

    public static final OpOptions DEFAULT =
            new OpOptions(Padding.SAME, 1, 1, 1, 1, 1, 1, 1, Activation.NONE, 0, false, 1f, null);

    public static OpOptions conv(Padding padding, int stride, Activation act) {
        return new OpOptions(padding, stride, stride, 1, 1, 1, 1, 1, act, 0, false, 1f, null);
    }

    public static OpOptions depthwise(Padding padding, int stride, int depthMultiplier, Activation act) {
        return new OpOptions(padding, stride, stride, 1, 1, 1, 1, depthMultiplier, act, 0, false, 1f, null);
    }

    public static OpOptions pool(Padding padding, int filter, int stride, Activation act) {
        return new OpOptions(padding, stride, stride, filter, filter, 1, 1, 1, act, 0, false, 1f, null);
    }

    public static OpOptions activation(Activation act) {
        return DEFAULT.withActivation(act);
    }

    public static OpOptions concat(int axis, Activation act) {
        return new OpOptions(Padding.SAME, 1, 1, 1, 1, 1, 1, 1, act, axis, false, 1f, null);
    }

    public static OpOptions mean(boolean keepDims) {
        return new OpOptions(Padding.SAME, 1, 1, 1, 1, 1, 1, 1, Activation.NONE, 0, keepDims, 1f, null);
    }

    public static OpOptions softmax(float beta) {
        return new OpOptions(Padding.SAME, 1, 1, 1, 1, 1, 1, 1, Activation.NONE, 0, false, beta, null);
    }

    public static OpOptions reshape(int[] newShape) {
        return new OpOptions(Padding.SAME, 1, 1, 1, 1, 1, 1, 1, Activation.NONE, 0, false, 1f,
                newShape == null ? null : newShape.clone());
    }

    public OpOptions withActivation(Activation act) {
        return new OpOptions(padding, strideW, strideH, filterW, filterH, dilationW, dilationH, depthMultiplier, act,
                axis, keepDims, beta, newShape);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof OpOptions x && padding == x.padding && strideW == x.strideW && strideH == x.strideH
                && filterW == x.filterW && filterH == x.filterH && dilationW == x.dilationW
                && dilationH == x.dilationH && depthMultiplier == x.depthMultiplier && activation == x.activation
                && axis == x.axis && keepDims == x.keepDims && Float.compare(beta, x.beta) == 0
                && Arrays.equals(newShape, x.newShape);
    }

    @Override
    public int hashCode() {
        return padding.hashCode() + 31 * strideW + 17 * filterW + activation.hashCode();
    }
}
