package io.maskgate.trainer.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * Builds a {@link Network}'s forward pass from TensorFlow ops whose gradients are in TensorFlow's native
 * registry (Conv2D, DepthwiseConv2dNative, BiasAdd, Relu, MaxPoolV2, Mean, MatMul, ConcatV2, Mul).
 * With a dropout seed it builds the training pass (stateless-random inverted dropout, reproducible from the
 * fed seed); without one, the inference pass. The inference pass names the tensor after every quantisable op
 * {@code q_<name>} so calibration can fetch it.
 */
public final class GraphBuilder {
    private final Ops tf;
    private final Map<String, ? extends Operand<TFloat32>> vars;
    private final Operand<TInt64> dropoutSeed;
    private int dropoutIndex;
    private int meanIndex;
    private final List<String> probes = new ArrayList<>();

    /**
     * @param vars        trainable tensors by flat name (see {@link Network#params()})
     * @param dropoutSeed int64[2] seed for dropout masks, or null for the inference pass
     */
    public GraphBuilder(Ops tf, Map<String, ? extends Operand<TFloat32>> vars, Operand<TInt64> dropoutSeed) {
        this.tf = tf;
        this.vars = vars;
        this.dropoutSeed = dropoutSeed;
    }

    /** Returns the logits [N,1]. */
    public Operand<TFloat32> logits(Network net, Operand<TFloat32> input) {
        Operand<TFloat32> x = input;
        for (Layer layer : net.layers()) {
            x = apply(layer, x);
        }
        return x;
    }

    private Operand<TFloat32> apply(Layer layer, Operand<TFloat32> x) {
        if (layer instanceof Layer.Conv c) {
            return probe(c.name(), conv(c.name(), x, c.stride(), c.relu()));
        } else if (layer instanceof Layer.Depthwise d) {
            return probe(d.name(), depthwise(d.name(), x, d.stride(), d.relu()));
        } else if (layer instanceof Layer.MaxPool p) {
            return tf.nn.maxPool(x, tf.constant(new int[] {1, p.size(), p.size(), 1}),
                    tf.constant(new int[] {1, p.stride(), p.stride(), 1}), "SAME");
        } else if (layer instanceof Layer.GlobalMean) {
            return probe("mean" + (meanIndex++), tf.math.mean(x, tf.constant(new int[] {1, 2})));
        } else if (layer instanceof Layer.Dense d) {
            return probe(d.name(), dense(d.name(), x, d.relu()));
        } else if (layer instanceof Layer.Fire f) {
            return fire(f, x);
        } else if (layer instanceof Layer.Dropout d) {
            return dropout(x, d.rate());
        }
        throw new IllegalStateException("unsupported layer " + layer);
    }

    /** Names of the probed tensors (inference pass only), in graph order. */
    public List<String> probes() {
        return probes;
    }

    private Operand<TFloat32> probe(String name, Operand<TFloat32> x) {
        if (dropoutSeed != null) {
            return x;
        }
        probes.add("q_" + name);
        return tf.withName("q_" + name).identity(x);
    }

    private Operand<TFloat32> conv(String name, Operand<TFloat32> x, int stride, boolean relu) {
        Operand<TFloat32> y = tf.nn.conv2d(x, var(name + "_w"), List.of(1L, (long) stride, (long) stride, 1L), "SAME");
        y = tf.nn.biasAdd(y, var(name + "_b"));
        return relu ? tf.nn.relu(y) : y;
    }

    private Operand<TFloat32> depthwise(String name, Operand<TFloat32> x, int stride, boolean relu) {
        Operand<TFloat32> y = tf.nn.depthwiseConv2dNative(x, var(name + "_w"),
                List.of(1L, (long) stride, (long) stride, 1L), "SAME");
        y = tf.nn.biasAdd(y, var(name + "_b"));
        return relu ? tf.nn.relu(y) : y;
    }

    private Operand<TFloat32> dense(String name, Operand<TFloat32> x, boolean relu) {
        Operand<TFloat32> y = tf.linalg.matMul(x, var(name + "_w"));
        y = tf.math.add(y, var(name + "_b"));
        return relu ? tf.nn.relu(y) : y;
    }

    private Operand<TFloat32> fire(Layer.Fire f, Operand<TFloat32> x) {
        Operand<TFloat32> s = probe(f.name() + "_sq", conv(f.name() + "_sq", x, 1, true));
        Operand<TFloat32> e1 = conv(f.name() + "_e1", s, 1, true);
        Operand<TFloat32> e3 = conv(f.name() + "_e3", s, 1, true);
        return probe(f.name(), tf.concat(List.of(e1, e3), tf.constant(3)));
    }

    private Operand<TFloat32> dropout(Operand<TFloat32> x, double rate) {
        if (dropoutSeed == null || rate <= 0) {
            return x;
        }
        int index = ++dropoutIndex;
        Operand<TInt64> seed = tf.math.add(dropoutSeed, tf.constant(new long[] {0L, 7919L * index}));
        Operand<TFloat32> u = tf.random.statelessRandomUniform(tf.shape(x), seed, TFloat32.class);
        Operand<TFloat32> keep = tf.dtypes.cast(tf.math.greaterEqual(u, tf.constant((float) rate)), TFloat32.class);
        return tf.math.mul(x, tf.math.mul(keep, tf.constant((float) (1.0 / (1.0 - rate)))));
    }

    private Operand<TFloat32> var(String name) {
        Operand<TFloat32> v = vars.get(name);
        if (v == null) {
            throw new IllegalStateException("no variable named " + name);
        }
        return v;
    }
}
