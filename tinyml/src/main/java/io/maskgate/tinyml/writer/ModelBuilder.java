package io.maskgate.tinyml.writer;

import io.maskgate.tinyml.model.Activation;
import io.maskgate.tinyml.model.BuiltinOp;
import io.maskgate.tinyml.model.OpOptions;
import io.maskgate.tinyml.model.OperatorSpec;
import io.maskgate.tinyml.model.Padding;
import io.maskgate.tinyml.model.Quantization;
import io.maskgate.tinyml.model.TensorSpec;
import io.maskgate.tinyml.model.TensorType;
import io.maskgate.tinyml.model.TfliteModel;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Builds an int8 TFLite graph in Java (the trainer's export path): each method adds one op, infers its output
 * shape with TFLite's rules and returns the output tensor id. Weights are int8 with per-channel (or one) scales
 * and zero point 0; biases are int32 with scale input*weight scale. {@link #build()} gives a {@link TfliteModel}
 * that {@link TfliteWriter} serialises and the {@code Interpreter} runs.
 */
public final class ModelBuilder {
    private final List<TensorSpec> tensors = new ArrayList<>();
    private final List<OperatorSpec> ops = new ArrayList<>();
    private final List<Integer> inputs = new ArrayList<>();
    private int[] outputs = new int[0];
    private final String description;

    public ModelBuilder(String description) {
        this.description = description;
    }

    // ---- low level -------------------------------------------------------------------------------------------

    public int addTensor(String name, TensorType type, int[] shape, Quantization q, byte[] data) {
        int id = tensors.size();
        tensors.add(new TensorSpec(id, name, type, shape.clone(), q, data));
        return id;
    }

    public void addOperator(BuiltinOp op, int[] in, int[] out, OpOptions options) {
        ops.add(new OperatorSpec(ops.size(), op, in.clone(), out.clone(), options));
    }

    public TensorSpec tensor(int id) {
        return tensors.get(id);
    }

    private int activation(String name, int[] shape, float scale, int zeroPoint) {
        return addTensor(name, TensorType.INT8, shape, Quantization.perTensor(scale, zeroPoint), null);
    }

    private int weights(String name, byte[] data, int[] shape, float[] scales, int quantizedDimension) {
        long n = 1;
        for (int d : shape) {
            n *= d;
        }
        if (data.length != n) {
            throw new IllegalArgumentException(name + ": " + data.length + " weight bytes for shape "
                    + Arrays.toString(shape));
        }
        Quantization q = scales.length == 1 ? Quantization.perTensor(scales[0], 0)
                : Quantization.perChannel(scales, quantizedDimension);
        return addTensor(name, TensorType.INT8, shape, q, data.clone());
    }

    private int bias(String name, int[] bias, float inputScale, float[] weightScales) {
        float[] s = new float[weightScales.length];
        for (int i = 0; i < s.length; i++) {
            s[i] = inputScale * weightScales[i];
        }
        ByteBuffer bb = ByteBuffer.allocate(4 * bias.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int b : bias) {
            bb.putInt(b);
        }
        Quantization q = s.length == 1 ? Quantization.perTensor(s[0], 0) : Quantization.perChannel(s, 0);
        return addTensor(name, TensorType.INT32, new int[] {bias.length}, q, bb.array());
    }

    private int int32Const(String name, int[] values) {
        ByteBuffer bb = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int v : values) {
            bb.putInt(v);
        }
        return addTensor(name, TensorType.INT32, new int[] {values.length}, Quantization.NONE, bb.array());
    }

    private static int outSize(Padding p, int in, int filter, int stride) {
        return p == Padding.SAME ? (in + stride - 1) / stride : (in - filter + stride) / stride;
    }

    // ---- graph -----------------------------------------------------------------------------------------------

    /** An int8 graph input, e.g. shape {1, 32, 32, 3}. */
    public int input(String name, int[] shape, float scale, int zeroPoint) {
        int id = activation(name, shape, scale, zeroPoint);
        inputs.add(id);
        return id;
    }

    /** CONV_2D; weights laid out [outC, kH, kW, inC], weightScales per output channel (or one). */
    public int conv2d(String name, int x, byte[] weights, int[] weightShape, float[] weightScales, int[] bias,
                      Padding padding, int stride, Activation act, float outScale, int outZp) {
        int[] s = tensor(x).shape();
        int w = weights(name + "/weights", weights, weightShape, weightScales, 0);
        int b = bias(name + "/bias", bias, tensor(x).quantization().scale(), weightScales);
        int[] outShape = {s[0], outSize(padding, s[1], weightShape[1], stride),
                outSize(padding, s[2], weightShape[2], stride), weightShape[0]};
        int y = activation(name, outShape, outScale, outZp);
        addOperator(BuiltinOp.CONV_2D, new int[] {x, w, b}, new int[] {y}, OpOptions.conv(padding, stride, act));
        return y;
    }

    /** DEPTHWISE_CONV_2D; weights laid out [1, kH, kW, inC*depthMultiplier]. */
    public int depthwiseConv2d(String name, int x, byte[] weights, int[] weightShape, float[] weightScales,
                               int[] bias, Padding padding, int stride, int depthMultiplier, Activation act,
                               float outScale, int outZp) {
        int[] s = tensor(x).shape();
        int w = weights(name + "/weights", weights, weightShape, weightScales, 3);
        int b = bias(name + "/bias", bias, tensor(x).quantization().scale(), weightScales);
        int[] outShape = {s[0], outSize(padding, s[1], weightShape[1], stride),
                outSize(padding, s[2], weightShape[2], stride), weightShape[3]};
        int y = activation(name, outShape, outScale, outZp);
        addOperator(BuiltinOp.DEPTHWISE_CONV_2D, new int[] {x, w, b}, new int[] {y},
                OpOptions.depthwise(padding, stride, depthMultiplier, act));
        return y;
    }

    /** FULLY_CONNECTED; weights laid out [units, depth] where depth = last dimension of x. */
    public int fullyConnected(String name, int x, byte[] weights, int units, float[] weightScales, int[] bias,
                              Activation act, float outScale, int outZp) {
        long elements = tensor(x).elementCount();
        int depth = weights.length / units;
        int w = weights(name + "/weights", weights, new int[] {units, depth}, weightScales, 0);
        int b = bias(name + "/bias", bias, tensor(x).quantization().scale(), weightScales);
        int y = activation(name, new int[] {(int) (elements / depth), units}, outScale, outZp);
        addOperator(BuiltinOp.FULLY_CONNECTED, new int[] {x, w, b}, new int[] {y}, OpOptions.activation(act));
        return y;
    }

    public int maxPool2d(String name, int x, int filter, int stride, Padding padding) {
        return pool(BuiltinOp.MAX_POOL_2D, name, x, filter, stride, padding);
    }

    public int averagePool2d(String name, int x, int filter, int stride, Padding padding) {
        return pool(BuiltinOp.AVERAGE_POOL_2D, name, x, filter, stride, padding);
    }

    private int pool(BuiltinOp op, String name, int x, int filter, int stride, Padding padding) {
        TensorSpec in = tensor(x);
        int[] s = in.shape();
        int[] outShape = {s[0], outSize(padding, s[1], filter, stride), outSize(padding, s[2], filter, stride), s[3]};
        int y = addTensor(name, TensorType.INT8, outShape, in.quantization(), null);
        addOperator(op, new int[] {x}, new int[] {y}, OpOptions.pool(padding, filter, stride, Activation.NONE));
        return y;
    }

    /** MEAN over axes (e.g. {1, 2} = global average pooling). */
    public int mean(String name, int x, int[] axes, boolean keepDims, float outScale, int outZp) {
        int[] s = tensor(x).shape();
        List<Integer> shape = new ArrayList<>();
        for (int d = 0; d < s.length; d++) {
            boolean reduced = false;
            for (int a : axes) {
                reduced |= (a < 0 ? a + s.length : a) == d;
            }
            if (!reduced) {
                shape.add(s[d]);
            } else if (keepDims) {
                shape.add(1);
            }
        }
        int axis = int32Const(name + "/axes", axes);
        int y = activation(name, shape.stream().mapToInt(Integer::intValue).toArray(), outScale, outZp);
        addOperator(BuiltinOp.MEAN, new int[] {x, axis}, new int[] {y}, OpOptions.mean(keepDims));
        return y;
    }

    public int reshape(String name, int x, int[] newShape) {
        int shape = int32Const(name + "/shape", newShape);
        int y = addTensor(name, TensorType.INT8, newShape, tensor(x).quantization(), null);
        addOperator(BuiltinOp.RESHAPE, new int[] {x, shape}, new int[] {y}, OpOptions.reshape(newShape));
        return y;
    }

    public int add(String name, int a, int b, Activation act, float outScale, int outZp) {
        int[] sa = tensor(a).shape();
        int[] sb = tensor(b).shape();
        int[] out = sa.length >= sb.length ? sa.clone() : sb.clone();
        for (int i = 1; i <= Math.min(sa.length, sb.length); i++) {
            out[out.length - i] = Math.max(sa[sa.length - i], sb[sb.length - i]);
        }
        int y = activation(name, out, outScale, outZp);
        addOperator(BuiltinOp.ADD, new int[] {a, b}, new int[] {y}, OpOptions.activation(act));
        return y;
    }

    /** LOGISTIC; int8 output is fixed at scale 1/256, zero point -128. */
    public int logistic(String name, int x) {
        int y = activation(name, tensor(x).shape(), 1f / 256, -128);
        addOperator(BuiltinOp.LOGISTIC, new int[] {x}, new int[] {y}, OpOptions.DEFAULT);
        return y;
    }

    /** SOFTMAX over the last dimension; int8 output is fixed at scale 1/256, zero point -128. */
    public int softmax(String name, int x, float beta) {
        int y = activation(name, tensor(x).shape(), 1f / 256, -128);
        addOperator(BuiltinOp.SOFTMAX, new int[] {x}, new int[] {y}, OpOptions.softmax(beta));
        return y;
    }

    public void output(int... tensorIds) {
        outputs = tensorIds.clone();
    }

    public TfliteModel build() {
        if (inputs.isEmpty() || outputs.length == 0) {
            throw new IllegalStateException("declare an input and call output(...) before build()");
        }
        return new TfliteModel(tensors, ops, inputs.stream().mapToInt(Integer::intValue).toArray(), outputs, 3,
                description, 0);
    }
}
