package io.maskgate.tinyml.model;

import java.util.Arrays;

/** One node of the graph: builtin op, tensor indices (-1 = optional input absent) and its options. */
public record OperatorSpec(int index, BuiltinOp op, int[] inputs, int[] outputs, OpOptions options) {
    @Override
    public boolean equals(Object o) {
        return o instanceof OperatorSpec x && index == x.index && op == x.op && Arrays.equals(inputs, x.inputs)
                && Arrays.equals(outputs, x.outputs) && options.equals(x.options);
    }

    @Override
    public int hashCode() {
        return index * 31 + op.hashCode();
    }

    @Override
    public String toString() {
        return "#" + index + " " + op + " in=" + Arrays.toString(inputs) + " out=" + Arrays.toString(outputs);
    }
}
