package io.maskgate.trainer.detect;

import io.maskgate.tinyml.finder.FinderSpec;
import io.maskgate.trainer.model.GraphBuilder;
import io.maskgate.trainer.model.Network;
import io.maskgate.trainer.train.AdamStep;
import io.maskgate.trainer.train.TrainConfig;
import io.maskgate.trainer.train.Tensors;
import io.maskgate.trainer.train.Weights;
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
 * The finder's training graph: flat-named variables, a forward pass built by the trainer's {@link GraphBuilder},
 * the detection loss, native gradients and the trainer's {@link AdamStep}. The loss is elementwise over the
 * [N, GRID, GRID, CHANNELS] output with a fed target and weight tensor ({@link FinderTargets}): weighted binary
 * cross-entropy on the score channel, L1 in cells on the offsets and L1 of log size on the sizes, summed and
 * divided by the batch size. Channel selection is a constant mask, so only ops with native gradients are used.
 */
public final class FinderGraph implements AutoCloseable {
    private static final int S = FinderSpec.INPUT;
    private static final int G = FinderSpec.GRID;
    private static final int C = FinderSpec.CHANNELS;

    private final FinderNet net;
    private final Graph graph = new Graph();
    private final Session session;
    private final Placeholder<TFloat32> image;
    private final Placeholder<TFloat32> target;
    private final Placeholder<TFloat32> weight;
    private final Placeholder<TFloat32> lr;
    private final Placeholder<TFloat32> batch;
    private final Operand<TFloat32> loss;
    private final Operand<TFloat32> evalProbs;
    private final List<String> probes;
    private final Map<String, Variable<TFloat32>> vars = new LinkedHashMap<>();
    private final Map<String, Placeholder<TFloat32>> feeds = new LinkedHashMap<>();
    private final List<Op> assigns = new ArrayList<>();
    private final AdamStep adam;

    public FinderGraph(FinderNet net, TrainConfig cfg) {
        this.net = net;
        Ops tf = Ops.create(graph);
        image = tf.withName("image").placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, S, S, 3)));
        target = tf.withName("target").placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, G, G, C)));
        weight = tf.withName("weight").placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, G, G, C)));
        lr = tf.withName("learning_rate").placeholder(TFloat32.class, Placeholder.shape(Shape.scalar()));
        // the finder has no dropout; the graph builder's training pass still takes a seed operand
        Operand<TInt64> seed = tf.constant(new long[] {0L, 0L});
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
        Operand<TFloat32> trainLogits = new GraphBuilder(tf, vars, seed).logits(net.asNetwork(), image);
        GraphBuilder eval = new GraphBuilder(tf, vars, null);
        evalProbs = tf.math.sigmoid(eval.logits(net.asNetwork(), image));
        probes = List.copyOf(eval.probes());
        batch = tf.withName("batch_size").placeholder(TFloat32.class, Placeholder.shape(Shape.scalar()));
        loss = loss(tf, trainLogits, target, weight, batch);
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

    static Operand<TFloat32> loss(Ops tf, Operand<TFloat32> z, Operand<TFloat32> y, Operand<TFloat32> w,
                                  Operand<TFloat32> n) {
        float[] score = new float[C];
        float[] offset = new float[C];
        float[] size = new float[C];
        score[FinderSpec.SCORE] = 1f;
        offset[FinderSpec.DX] = (float) (2 * FinderSpec.OFFSET_RANGE);
        offset[FinderSpec.DY] = (float) (2 * FinderSpec.OFFSET_RANGE);
        size[FinderSpec.WIDTH] = 1f;
        size[FinderSpec.HEIGHT] = 1f;
        Operand<TFloat32> mScore = tf.constant(Shape.of(1, 1, 1, C), org.tensorflow.ndarray.buffer.DataBuffers.of(score));
        Operand<TFloat32> mOffset = tf.constant(Shape.of(1, 1, 1, C), org.tensorflow.ndarray.buffer.DataBuffers.of(offset));
        Operand<TFloat32> mSize = tf.constant(Shape.of(1, 1, 1, C), org.tensorflow.ndarray.buffer.DataBuffers.of(size));
        // log(1 + exp(-|z|)), shared by the cross-entropy and log(sigmoid(z)) = -(relu(-z) + log1p(exp(-|z|)))
        Operand<TFloat32> soft = tf.math.log1p(tf.math.exp(tf.math.neg(tf.math.abs(z))));
        Operand<TFloat32> bce = tf.math.add(tf.math.sub(tf.nn.relu(z), tf.math.mul(z, y)), soft);
        Operand<TFloat32> p = tf.math.sigmoid(z);
        Operand<TFloat32> offsetL1 = tf.math.abs(tf.math.sub(p, y));
        Operand<TFloat32> logP = tf.math.neg(tf.math.add(tf.nn.relu(tf.math.neg(z)), soft));
        Operand<TFloat32> sizeL1 = tf.math.abs(tf.math.sub(logP, tf.math.log(tf.math.maximum(y, tf.constant(1e-3f)))));
        Operand<TFloat32> perValue = tf.math.add(tf.math.add(tf.math.mul(bce, mScore), tf.math.mul(offsetL1, mOffset)),
                tf.math.mul(sizeL1, mSize));
        Operand<TFloat32> total = tf.sum(tf.math.mul(perValue, w), tf.constant(new int[] {0, 1, 2, 3}));
        return tf.withName("loss").math.div(total, n);
    }

    private static long[] toLong(int[] a) {
        long[] out = new long[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i];
        }
        return out;
    }

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

    /** One Adam step; returns the batch loss. */
    public float step(float[] pixels, float[] targets, float[] weights, int n, float learningRate) {
        try (TFloat32 x = Tensors.of(pixels, n, S, S, 3);
             TFloat32 y = Tensors.of(targets, n, G, G, C);
             TFloat32 w = Tensors.of(weights, n, G, G, C);
             TFloat32 rate = TFloat32.scalarOf(learningRate);
             TFloat32 count = TFloat32.scalarOf(n);
             Result r = session.runner().feed(image, x).feed(target, y).feed(weight, w).feed(lr, rate)
                     .feed(batch, count)
                     .addTarget(adam.train()).fetch(loss).run()) {
            return ((TFloat32) r.get(0)).getFloat();
        }
    }

    /** Sigmoid outputs [n, GRID, GRID, CHANNELS] of the inference pass. */
    public float[] predict(float[] pixels, int n) {
        try (TFloat32 x = Tensors.of(pixels, n, S, S, 3);
             Result r = session.runner().feed(image, x).fetch(evalProbs).run()) {
            return Tensors.read((TFloat32) r.get(0));
        }
    }

    /** Names of the inference pass's probed tensors (q_<layer>), for calibration. */
    public List<String> probes() {
        return probes;
    }

    /** Every probed activation of the inference pass for a batch, by probe name. */
    public Map<String, float[]> probe(float[] pixels, int n) {
        try (TFloat32 x = Tensors.of(pixels, n, S, S, 3)) {
            var runner = session.runner().feed(image, x);
            for (String p : probes) {
                runner.fetch(p);
            }
            Map<String, float[]> out = new LinkedHashMap<>();
            try (Result r = runner.run()) {
                for (int i = 0; i < probes.size(); i++) {
                    out.put(probes.get(i), Tensors.read((TFloat32) r.get(i)));
                }
            }
            return out;
        }
    }

    @Override
    public void close() {
        session.close();
        graph.close();
    }
}
