package io.maskgate.bench;

import io.maskgate.tinyml.model.OperatorSpec;
import io.maskgate.tinyml.model.TensorSpec;
import io.maskgate.tinyml.model.TfliteModel;
import java.util.List;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.types.TFloat32;

/**
 * The same CNN as an int8 {@code SyntheticCnn} graph, rebuilt in TensorFlow Java float32 with the dequantised
 * weights (conv -> bias -> relu, max pool, mean, dense, softmax), run single-threaded in one Session.
 */
final class TfFloatCnn implements AutoCloseable {
    private final Graph graph = new Graph();
    private final Session session;
    private final TFloat32 input;
    private final String outputName;

    TfFloatCnn(TfliteModel model, float[] inputValues) {
        Ops tf = Ops.create(graph);
        int[] inShape = model.input(0).shape();
        var x = tf.withName("input").placeholder(TFloat32.class);
        Operand<TFloat32> y = x;
        for (OperatorSpec op : model.operators()) {
            switch (op.op()) {
                case CONV_2D: {
                    TensorSpec w = model.tensor(op.inputs()[1]);
                    int oc = w.dim(0), kh = w.dim(1), kw = w.dim(2), ic = w.dim(3);
                    float[] hwio = new float[w.data().length];
                    float[] scales = w.quantization().scales();
                    for (int o = 0; o < oc; o++) {
                        float s = scales.length == 1 ? scales[0] : scales[o];
                        for (int a = 0; a < kh; a++) {
                            for (int b = 0; b < kw; b++) {
                                for (int i = 0; i < ic; i++) {
                                    hwio[((a * kw + b) * ic + i) * oc + o] = s * w.data()[((o * kh + a) * kw + b) * ic + i];
                                }
                            }
                        }
                    }
                    y = tf.nn.conv2d(y, tf.constant(Shape.of(kh, kw, ic, oc), DataBuffers.of(hwio)),
                            List.of(1L, (long) op.options().strideH(), (long) op.options().strideW(), 1L),
                            op.options().padding().name());
                    y = tf.nn.biasAdd(y, tf.constant(Shape.of(oc), DataBuffers.of(bias(model, op, oc))));
                    y = tf.nn.relu(y);
                    break;
                }
                case MAX_POOL_2D:
                    y = tf.nn.maxPool(y, tf.constant(new int[] {1, op.options().filterH(), op.options().filterW(), 1}),
                            tf.constant(new int[] {1, op.options().strideH(), op.options().strideW(), 1}),
                            op.options().padding().name());
                    break;
                case MEAN:
                    y = tf.math.mean(y, tf.constant(new int[] {1, 2}));
                    break;
                case FULLY_CONNECTED: {
                    TensorSpec w = model.tensor(op.inputs()[1]);
                    int units = w.dim(0), depth = w.dim(1);
                    float s = w.quantization().scale();
                    float[] t = new float[units * depth];
                    for (int u = 0; u < units; u++) {
                        for (int d = 0; d < depth; d++) {
                            t[d * units + u] = s * w.data()[u * depth + d];
                        }
                    }
                    y = tf.linalg.matMul(y, tf.constant(Shape.of(depth, units), DataBuffers.of(t)));
                    y = tf.nn.biasAdd(y, tf.constant(Shape.of(units), DataBuffers.of(bias(model, op, units))));
                    break;
                }
                case SOFTMAX:
                    y = tf.nn.softmax(y);
                    break;
                default:
                    throw new IllegalArgumentException("TF float twin does not model " + op.op());
            }
        }
        outputName = y.op().name();
        ConfigProto config = ConfigProto.newBuilder().setIntraOpParallelismThreads(1)
                .setInterOpParallelismThreads(1).build();
        session = new Session(graph, config);
        input = TFloat32.tensorOf(Shape.of(inShape[0], inShape[1], inShape[2], inShape[3]),
                DataBuffers.of(inputValues));
    }

    private static float[] bias(TfliteModel model, OperatorSpec op, int n) {
        TensorSpec b = model.tensor(op.inputs()[2]);
        java.nio.ByteBuffer bb = java.nio.ByteBuffer.wrap(b.data()).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        float[] scales = b.quantization().scales();
        float[] r = new float[n];
        for (int i = 0; i < n; i++) {
            r[i] = bb.getInt(4 * i) * (scales.length == 1 ? scales[0] : scales[i]);
        }
        return r;
    }

    /** One inference; returns the first output value so the JIT cannot drop the work. */
    float invoke() {
        try (Result r = session.runner().feed("input", input).fetch(outputName).run()) {
            return ((TFloat32) r.get(0)).getFloat(0, 0);
        }
    }

    @Override
    public void close() {
        input.close();
        session.close();
        graph.close();
    }
}
