package io.maskgate.trainer.quant;

import io.maskgate.tinyml.model.Activation;
import io.maskgate.tinyml.model.BuiltinOp;
import io.maskgate.tinyml.model.OpOptions;
import io.maskgate.tinyml.model.OperatorSpec;
import io.maskgate.tinyml.model.Padding;
import io.maskgate.tinyml.model.Quantization;
import io.maskgate.tinyml.model.TensorSpec;
import io.maskgate.tinyml.model.TensorType;
import io.maskgate.tinyml.model.TfliteModel;
import io.maskgate.trainer.model.Layer;
import io.maskgate.trainer.model.Network;
import io.maskgate.trainer.train.Weights;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Full-integer post-training quantisation of a {@link Network} into a TFLite graph for tinyml's writer:
 * int8 input (scale 1/255, zero point -128, so [0,1] maps exactly) and int8 output (LOGISTIC's fixed 1/256, -128);
 * symmetric per-channel int8 conv / depthwise weights, per-tensor symmetric FC weights, int32 biases with
 * scale = input scale x weight scale; asymmetric int8 activations from calibrated min/max; ReLU fused into the
 * producing op; dropout dropped. Max pooling keeps its input's parameters and a fire module's two expand convs
 * write straight into the concatenation's parameters, so neither needs requantising. Ops used: CONV_2D,
 * DEPTHWISE_CONV_2D, MAX_POOL_2D, MEAN, FULLY_CONNECTED, CONCATENATION, LOGISTIC (all in TFLite Micro).
 */
public final class Int8Quantizer {
    public static final float INPUT_SCALE = 1f / 255f;
    public static final int INPUT_ZERO_POINT = -128;

    private final List<TensorSpec> tensors = new ArrayList<>();
    private final List<OperatorSpec> ops = new ArrayList<>();
    private final Weights weights;
    private final ActivationRanges ranges;

    private Int8Quantizer(Weights weights, ActivationRanges ranges) {
        this.weights = weights;
        this.ranges = ranges;
    }

    /** Activation tensor being threaded through the build: index, NHWC (or NC) shape and quantisation. */
    private record Act(int index, int[] shape, float scale, int zeroPoint) {
        int channels() {
            return shape[shape.length - 1];
        }
    }

    public static TfliteModel quantize(Network net, Weights weights, ActivationRanges ranges) {
        return new Int8Quantizer(weights, ranges).build(net, Network.INPUT, "mask_probability");
    }

    /**
     * The same quantisation for a fully convolutional network on a square {@code inputSize} RGB input whose
     * output (any shape) goes through LOGISTIC into a tensor named {@code outputName} (the face finder).
     */
    public static TfliteModel quantize(Network net, int inputSize, String outputName, Weights weights,
                                       ActivationRanges ranges) {
        return new Int8Quantizer(weights, ranges).build(net, inputSize, outputName);
    }

    private TfliteModel build(Network net, int inputSize, String outputName) {
        Act x = activation("image", new int[] {1, inputSize, inputSize, Network.CHANNELS}, INPUT_SCALE,
                INPUT_ZERO_POINT);
        int input = x.index();
        int meanIndex = 0;
        for (Layer layer : net.layers()) {
            if (layer instanceof Layer.Conv c) {
                x = conv(c.name(), x, c.kernel(), c.stride(), c.filters(), c.relu(), quant("q_" + c.name()));
            } else if (layer instanceof Layer.Depthwise d) {
                x = depthwise(d.name(), x, d.kernel(), d.stride(), d.relu(), quant("q_" + d.name()));
            } else if (layer instanceof Layer.MaxPool p) {
                x = maxPool(x, p.size(), p.stride());
            } else if (layer instanceof Layer.GlobalMean) {
                x = mean(x, quant("q_mean" + (meanIndex++)));
            } else if (layer instanceof Layer.Dense d) {
                x = dense(d.name(), x, d.units(), d.relu(), quant("q_" + d.name()));
            } else if (layer instanceof Layer.Fire f) {
                x = fire(f, x);
            }
        }
        Act out = activation(outputName, x.shape(), 1f / 256f, -128);
        ops.add(new OperatorSpec(ops.size(), BuiltinOp.LOGISTIC, new int[] {x.index()}, new int[] {out.index()},
                OpOptions.DEFAULT));
        return new TfliteModel(tensors, ops, new int[] {input}, new int[] {out.index()}, 3,
                "MaskGate " + net.arch() + " int8 (trainer PTQ)", 0);
    }

    /** Asymmetric int8 parameters {scale, zeroPoint} from the calibrated range of a probe. */
    private float[] quant(String probe) {
        float[] r = ranges.range(probe);
        return asymmetric(r[0], r[1]);
    }

    static float[] asymmetric(float min, float max) {
        min = Math.min(min, 0f);
        max = Math.max(max, 0f);
        float scale = (max - min) / 255f;
        if (scale <= 0f) {
            scale = 1e-6f;
        }
        long zp = Math.round(-128.0 - min / scale);
        zp = Math.max(-128, Math.min(127, zp));
        return new float[] {scale, zp};
    }

    private Act fire(Layer.Fire f, Act x) {
        Act s = conv(f.name() + "_sq", x, 1, 1, f.squeeze(), true, quant("q_" + f.name() + "_sq"));
        float[] q = quant("q_" + f.name());
        Act e1 = conv(f.name() + "_e1", s, 1, 1, f.expand1(), true, q);
        Act e3 = conv(f.name() + "_e3", s, 3, 1, f.expand3(), true, q);
        int[] shape = {1, s.shape()[1], s.shape()[2], f.expand1() + f.expand3()};
        Act out = activation(f.name(), shape, q[0], (int) q[1]);
        ops.add(new OperatorSpec(ops.size(), BuiltinOp.CONCATENATION, new int[] {e1.index(), e3.index()},
                new int[] {out.index()}, OpOptions.concat(3, Activation.NONE)));
        return out;
    }

    private Act conv(String name, Act x, int k, int stride, int filters, boolean relu, float[] outQ) {
        float[] w = weights.get(name + "_w"); // HWIO
        float[] b = weights.get(name + "_b");
        int inC = x.channels();
        // TFLite CONV_2D filter layout OHWI, per-output-channel scales on dimension 0
        float[] scales = new float[filters];
        byte[] q = new byte[filters * k * k * inC];
        for (int o = 0; o < filters; o++) {
            float maxAbs = 0f;
            for (int i = 0; i < k * k * inC; i++) {
                maxAbs = Math.max(maxAbs, Math.abs(w[i * filters + o]));
            }
            scales[o] = weightScale(maxAbs);
            for (int hw = 0; hw < k * k; hw++) {
                for (int c = 0; c < inC; c++) {
                    float v = w[(hw * inC + c) * filters + o];
                    q[((o * k * k) + hw) * inC + c] = (byte) clamp(Math.round(v / scales[o]), -127, 127);
                }
            }
        }
        int filter = constant(name + "_w", TensorType.INT8, new int[] {filters, k, k, inC}, q,
                Quantization.perChannel(scales, 0));
        int bias = constant(name + "_b", TensorType.INT32, new int[] {filters}, biasBytes(b, x.scale(), scales),
                Quantization.perChannel(biasScales(x.scale(), scales), 0));
        int outH = ceilDiv(x.shape()[1], stride);
        int outW = ceilDiv(x.shape()[2], stride);
        Act out = activation(name, new int[] {1, outH, outW, filters}, outQ[0], (int) outQ[1]);
        ops.add(new OperatorSpec(ops.size(), BuiltinOp.CONV_2D, new int[] {x.index(), filter, bias},
                new int[] {out.index()}, OpOptions.conv(Padding.SAME, stride, relu ? Activation.RELU : Activation.NONE)));
        return out;
    }

    private Act depthwise(String name, Act x, int k, int stride, boolean relu, float[] outQ) {
        float[] w = weights.get(name + "_w"); // H W C 1
        float[] b = weights.get(name + "_b");
        int c = x.channels();
        float[] scales = new float[c];
        byte[] q = new byte[k * k * c];
        for (int ch = 0; ch < c; ch++) {
            float maxAbs = 0f;
            for (int hw = 0; hw < k * k; hw++) {
                maxAbs = Math.max(maxAbs, Math.abs(w[hw * c + ch]));
            }
            scales[ch] = weightScale(maxAbs);
            for (int hw = 0; hw < k * k; hw++) {
                q[hw * c + ch] = (byte) clamp(Math.round(w[hw * c + ch] / scales[ch]), -127, 127);
            }
        }
        int filter = constant(name + "_w", TensorType.INT8, new int[] {1, k, k, c}, q,
                Quantization.perChannel(scales, 3));
        int bias = constant(name + "_b", TensorType.INT32, new int[] {c}, biasBytes(b, x.scale(), scales),
                Quantization.perChannel(biasScales(x.scale(), scales), 0));
        int outH = ceilDiv(x.shape()[1], stride);
        int outW = ceilDiv(x.shape()[2], stride);
        Act out = activation(name, new int[] {1, outH, outW, c}, outQ[0], (int) outQ[1]);
        ops.add(new OperatorSpec(ops.size(), BuiltinOp.DEPTHWISE_CONV_2D, new int[] {x.index(), filter, bias},
                new int[] {out.index()},
                OpOptions.depthwise(Padding.SAME, stride, 1, relu ? Activation.RELU : Activation.NONE)));
        return out;
    }

    private Act maxPool(Act x, int size, int stride) {
        int outH = ceilDiv(x.shape()[1], stride);
        int outW = ceilDiv(x.shape()[2], stride);
        Act out = activation("maxpool" + ops.size(), new int[] {1, outH, outW, x.channels()}, x.scale(),
                x.zeroPoint());
        ops.add(new OperatorSpec(ops.size(), BuiltinOp.MAX_POOL_2D, new int[] {x.index()}, new int[] {out.index()},
                OpOptions.pool(Padding.SAME, size, stride, Activation.NONE)));
        return out;
    }

    private Act mean(Act x, float[] outQ) {
        int axes = constant("mean_axes" + ops.size(), TensorType.INT32, new int[] {2}, intBytes(new int[] {1, 2}),
                Quantization.NONE);
        Act out = activation("mean" + ops.size(), new int[] {1, x.channels()}, outQ[0], (int) outQ[1]);
        ops.add(new OperatorSpec(ops.size(), BuiltinOp.MEAN, new int[] {x.index(), axes}, new int[] {out.index()},
                OpOptions.mean(false)));
        return out;
    }

    private Act dense(String name, Act x, int units, boolean relu, float[] outQ) {
        float[] w = weights.get(name + "_w"); // [in, out]
        float[] b = weights.get(name + "_b");
        int in = x.channels();
        float maxAbs = 0f;
        for (float v : w) {
            maxAbs = Math.max(maxAbs, Math.abs(v));
        }
        float scale = weightScale(maxAbs);
        byte[] q = new byte[units * in];
        for (int o = 0; o < units; o++) {
            for (int i = 0; i < in; i++) {
                q[o * in + i] = (byte) clamp(Math.round(w[i * units + o] / scale), -127, 127);
            }
        }
        float[] scales = new float[units];
        java.util.Arrays.fill(scales, scale);
        int weightsIdx = constant(name + "_w", TensorType.INT8, new int[] {units, in}, q,
                Quantization.perTensor(scale, 0));
        int bias = constant(name + "_b", TensorType.INT32, new int[] {units}, biasBytes(b, x.scale(), scales),
                Quantization.perTensor(x.scale() * scale, 0));
        Act out = activation(name, new int[] {1, units}, outQ[0], (int) outQ[1]);
        ops.add(new OperatorSpec(ops.size(), BuiltinOp.FULLY_CONNECTED, new int[] {x.index(), weightsIdx, bias},
                new int[] {out.index()}, OpOptions.activation(relu ? Activation.RELU : Activation.NONE)));
        return out;
    }

    static float weightScale(float maxAbs) {
        return maxAbs > 0f ? maxAbs / 127f : 1e-6f;
    }

    private static float[] biasScales(float inScale, float[] wScales) {
        float[] s = new float[wScales.length];
        for (int i = 0; i < s.length; i++) {
            s[i] = inScale * wScales[i];
        }
        return s;
    }

    private static byte[] biasBytes(float[] b, float inScale, float[] wScales) {
        int[] q = new int[b.length];
        for (int i = 0; i < b.length; i++) {
            double s = (double) inScale * wScales[i];
            long v = Math.round(b[i] / s);
            q[i] = (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, v));
        }
        return intBytes(q);
    }

    private static byte[] intBytes(int[] v) {
        ByteBuffer bb = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int i : v) {
            bb.putInt(i);
        }
        return bb.array();
    }

    private Act activation(String name, int[] shape, float scale, int zeroPoint) {
        int idx = tensors.size();
        tensors.add(new TensorSpec(idx, name, TensorType.INT8, shape, Quantization.perTensor(scale, zeroPoint), null));
        return new Act(idx, shape, scale, zeroPoint);
    }

    private int constant(String name, TensorType type, int[] shape, byte[] data, Quantization q) {
        int idx = tensors.size();
        tensors.add(new TensorSpec(idx, name, type, shape, q, data));
        return idx;
    }

    private static int clamp(int v, int lo, int hi) {
        return Math.max(lo, Math.min(hi, v));
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }
}
