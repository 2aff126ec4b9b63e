package io.maskgate.trainer.train;

import io.maskgate.trainer.model.GraphBuilder;
import io.maskgate.trainer.model.Network;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * The training graph of one network: variables with flat names, a training pass (dropout) and an evaluation
 * pass (no dropout) sharing them, binary cross-entropy on logits, native gradients and an {@link AdamStep}.
 * Weights go in and out as {@link Weights} through assign-from-placeholder ops, so initialisation, best-epoch
 * snapshots and export never depend on tensorflow-framework initialisers.
 */
public final class TrainingGraph implements AutoCloseable {
    private final Network net;
    private final Graph graph = new Graph();
    private final Session session;
    private final Placeholder<TFloat32> image;
    private final Placeholder<TFloat32> label;
    private final Placeholder<TFloat32> lr;
    private final Placeholder<TInt64> seed;
    private final Operand<TFloat32> loss;
    private final Operand<TFloat32> evalLogits;
    private final Map<String, Variable<TFloat32>> vars = new LinkedHashMap<>();
    private final Map<String, Placeholder<TFloat32>> feeds = new LinkedHashMap<>();
    private final List<Op> assigns = new ArrayList<>();
    private final AdamStep adam;

    public TrainingGraph(Network net, TrainConfig cfg) {
        this.net = net;
        Ops tf = Ops.create(graph);
        image = tf.withName("image").placeholder(TFloat32.class,
                Placeholder.shape(Shape.of(-1, Network.INPUT, Network.INPUT, Network.CHANNELS)));
        label = tf.withName("label").placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, 1)));
        lr = tf.withName("learning_rate").placeholder(TFloat32.class, Placeholder.shape(Shape.scalar()));
        seed = tf.withName("dropout_seed").placeholder(TInt64.class, Placeholder.shape(Shape.of(2)));
        List<String> names = new ArrayList<>();
        for (Network.Param p : net.params()) {
            Shape shape = Shape.of(toLong(p.shape()));
            Variable<TFloat32> v = tf.withName(p.name()).variable(shape, TFloat32.class);
            Placeholder<TFloat32> in = tf.withName(p.name() + "_in").placeholder(TFloat32.class,
                    Placeholder.shape(shape));
            vars.put(p.name(), v);
            feeds.put(p.name(), in);
            assigns.add(tf.withName(p.name() + "_assign").assign(v, in));
            names.add(p.name());
        }
        Operand<TFloat32> trainLogits = new GraphBuilder(tf, vars, seed).logits(net, image);
        evalLogits = new GraphBuilder(tf, vars, null).logits(net, image);
        loss = bceWithLogits(tf, trainLogits, targets(tf, label, cfg.labelSmoothing()));
        var g = tf.gradients(loss, vars.values());
        List<Operand<TFloat32>> grads = new ArrayList<>();
        for (int i = 0; i < vars.size(); i++) {
            grads.add(g.<TFloat32>dy(i));
        }
        adam = new AdamStep(tf, new ArrayList<>(vars.values()), names, grads, lr, cfg);
        ConfigProto config = ConfigProto.newBuilder()
                .setIntraOpParallelismThreads(cfg.intraOpThreads())
                .setInterOpParallelismThreads(1)
                .build();
        session = new Session(graph, config);
    }

    /** Training targets: the 0/1 labels, or with label smoothing e, {@code y(1 - e) + e/2}. */
    static Operand<TFloat32> targets(Ops tf, Operand<TFloat32> label, double e) {
        return e == 0 ? label : tf.math.add(tf.math.mul(label, tf.constant((float) (1 - e))),
                tf.constant((float) (e / 2)));
    }

    /** Mean binary cross-entropy computed stably from logits: max(z,0) - z*y + log(1 + exp(-|z|)). */
    static Operand<TFloat32> bceWithLogits(Ops tf, Operand<TFloat32> z, Operand<TFloat32> y) {
        Operand<TFloat32> perSample = tf.math.add(tf.math.sub(tf.nn.relu(z), tf.math.mul(z, y)),
                tf.math.log1p(tf.math.exp(tf.math.neg(tf.math.abs(z)))));
        return tf.withName("loss").math.mean(perSample, tf.constant(new int[] {0, 1}));
    }

    private static long[] toLong(int[] a) {
        long[] out = new long[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i];
        }
        return out;
    }

    /** Loads weights into the variables and resets Adam's state. */
    public void load(Weights w) {
        var runner = session.runner();
        List<TFloat32> open = new ArrayList<>();
        try {
            for (Map.Entry<String, Placeholder<TFloat32>> e : feeds.entrySet()) {
                TFloat32 t = Tensors.of(w.get(e.getKey()), w.shape(e.getKey()));
                open.add(t);
                runner.feed(e.getValue(), t);
            }
            assigns.forEach(runner::addTarget);
            runner.run().close();
        } finally {
            open.forEach(TFloat32::close);
        }
    }

    public void resetOptimizer() {
        var runner = session.runner();
        adam.reset().forEach(runner::addTarget);
        runner.run().close();
    }

    /** Reads the current variable values. */
    public Weights weights() {
        var runner = session.runner();
        vars.values().forEach(runner::fetch);
        Map<String, float[]> values = new LinkedHashMap<>();
        Map<String, int[]> shapes = new LinkedHashMap<>();
        try (Result r = runner.run()) {
            int i = 0;
            for (Network.Param p : net.params()) {
                values.put(p.name(), Tensors.read((TFloat32) r.get(i++)));
                shapes.put(p.name(), p.shape());
            }
        }
        return new Weights(values, shapes);
    }

    /** One Adam step on a batch; returns the batch's training loss. */
    public float step(float[] pixels, float[] labels, int n, float learningRate, long dropoutSeed, long step) {
        try (TFloat32 x = Tensors.of(pixels, n, Network.INPUT, Network.INPUT, Network.CHANNELS);
             TFloat32 y = Tensors.of(labels, n, 1);
             TFloat32 rate = TFloat32.scalarOf(learningRate);
             TInt64 s = TInt64.vectorOf(dropoutSeed, step);
             Result r = session.runner().feed(image, x).feed(label, y).feed(lr, rate).feed(seed, s)
                     .addTarget(adam.train()).fetch(loss).run()) {
            return ((TFloat32) r.get(0)).getFloat();
        }
    }

    /** Mask probabilities of the evaluation pass (no dropout). */
    public float[] predict(float[] pixels, int n) {
        try (TFloat32 x = Tensors.of(pixels, n, Network.INPUT, Network.INPUT, Network.CHANNELS);
             Result r = session.runner().feed(image, x).fetch(evalLogits).run()) {
            float[] logits = Tensors.read((TFloat32) r.get(0));
            for (int i = 0; i < logits.length; i++) {
                logits[i] = (float) (1.0 / (1.0 + Math.exp(-logits[i])));
            }
            return logits;
        }
    }

    @Override
    public void close() {
        session.close();
        graph.close();
    }
}
