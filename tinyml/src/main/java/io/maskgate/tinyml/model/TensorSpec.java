package io.maskgate.tinyml.model;

import java.util.Arrays;

/**
 * One tensor of the graph. {@code data} holds the raw little-endian constant bytes, or is null for activations
 * (which live in the interpreter's arena).
 */
public record TensorSpec(int index, String name, TensorType type, int[] shape, Quantization quantization,
                         byte[] data) {

    public boolean isConstant() {
        return data != null;
    }

    public long elementCount() {
        long n = 1;
        for (int d : shape) {
            n *= d;
        }
        return n;
    }

    public long byteSize() {
        return elementCount() * type.bytes();
    }

    public int dim(int i) {
        return shape[i];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorSpec t && index == t.index && name.equals(t.name) && type == t.type
                && Arrays.equals(shape, t.shape) && quantization.equals(t.quantization) && Arrays.equals(data, t.data);
    }

    @Override
    public int hashCode() {
        return index * 31 + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        return "#" + index + " " + name + " " + type + Arrays.toString(shape) + " " + quantization
                + (data != null ? " const" : "");
    }
}
