package io.maskgate.tinyml.interpreter;

import io.maskgate.tinyml.model.TensorSpec;
import io.maskgate.tinyml.model.TensorType;
import java.util.Arrays;

/** Public view of a graph input or output: shape, type and quantisation (real = scale * (q - zeroPoint)). */
public record TensorInfo(String name, TensorType type, int[] shape, float scale, int zeroPoint) {
    static TensorInfo of(TensorSpec t) {
        return new TensorInfo(t.name(), t.type(), t.shape().clone(), t.quantization().scale(),
                t.quantization().zeroPoint());
    }

    public int elementCount() {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        return n;
    }

    public float dequantize(int q) {
        return scale * (q - zeroPoint);
    }

    public int quantize(float real) {
        int v = Math.round(real / scale) + zeroPoint;
        return Math.min(Math.max(v, -128), 127);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorInfo t && name.equals(t.name) && type == t.type && Arrays.equals(shape, t.shape)
                && Float.compare(scale, t.scale) == 0 && zeroPoint == t.zeroPoint;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(shape) * 31 + name.hashCode();
    }

    @Override
    public String toString() {
        return name + " " + type + Arrays.toString(shape) + " scale=" + scale + " zp=" + zeroPoint;
    }
}
