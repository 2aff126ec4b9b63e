package io.maskgate.trainer.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/**
 * Our Adam step over ApplyAdam against a plain-Java Adam, including the first step's bias correction (the
 * step tensorflow-framework could race), on a graph that also holds non-trainable variables.
 */
class AdamStepTest {

    @Test
    void matchesReferenceAdamStepByStep() {
        float[] target = {1f, -2f, 0.5f};
        float[] x0 = {0.3f, 0.1f, -0.7f};
        TrainConfig cfg = TrainConfig.defaults("tiny", 1, 1);
        try (Graph g = new Graph()) {
            Ops tf = Ops.create(g);
            Variable<TFloat32> x = tf.withName("x").variable(Shape.of(3), TFloat32.class);
            Placeholder<TFloat32> in = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(3)));
            var assign = tf.assign(x, in);
            Operand<TFloat32> diff = tf.math.sub(x, tf.constant(target));
            Operand<TFloat32> loss = tf.math.mean(tf.math.mul(diff, diff), tf.constant(new int[] {0}));
            Operand<TFloat32> grad = tf.gradients(loss, List.of(x)).dy(0);
            Placeholder<TFloat32> lr = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.scalar()));
            AdamStep adam = new AdamStep(tf, List.of(x), List.of("x"), List.of(grad), lr, cfg);
            try (Session s = new Session(g); TFloat32 init = Tensors.of(x0, 3)) {
                s.runner().feed(in, init).addTarget(assign).run().close();
                var reset = s.runner();
                adam.reset().forEach(reset::addTarget);
                reset.run().close();
                double[] ref = {x0[0], x0[1], x0[2]};
                double[] m = new double[3];
                double[] v = new double[3];
                for (int t = 1; t <= 6; t++) {
                    for (int i = 0; i < 3; i++) {
                        double gi = 2 * (ref[i] - target[i]) / 3;
                        m[i] = 0.9 * m[i] + 0.1 * gi;
                        v[i] = 0.999 * v[i] + 0.001 * gi * gi;
                        double lrT = 0.01 * Math.sqrt(1 - Math.pow(0.999, t)) / (1 - Math.pow(0.9, t));
                        ref[i] -= lrT * m[i] / (Math.sqrt(v[i]) + 1e-7);
                    }
                    try (TFloat32 rate = TFloat32.scalarOf(0.01f)) {
                        s.runner().feed(lr, rate).addTarget(adam.train()).run().close();
                    }
                    try (Result r = s.runner().fetch(x).run()) {
                        float[] got = Tensors.read((TFloat32) r.get(0));
                        for (int i = 0; i < 3; i++) {
                            assertEquals(ref[i], got[i], 1e-5, "step " + t + " element " + i);
                        }
                    }
                }
            }
        }
    }

    @Test
    void trainingIsBitForBitReproducibleWithTheSameSeed() {
        Weights a = shortRun(21);
        Weights b = shortRun(21);
        for (String name : a.values().keySet()) {
            assertArrayEquals(a.get(name), b.get(name), name);
        }
    }

    private static Weights shortRun(long seed) {
        var imgs = new java.util.ArrayList<io.maskgate.trainer.data.SourceImage>();
        for (int i = 0; i < 48; i++) {
            imgs.add(io.maskgate.trainer.data.AugmentationTest.gradient("i" + i,
                    i % 2 == 0 ? io.maskgate.trainer.data.Label.MASK : io.maskgate.trainer.data.Label.NO_MASK, i));
        }
        var set = io.maskgate.trainer.data.ImageSet.of(java.nio.file.Path.of("mem"), imgs);
        TrainConfig d = TrainConfig.defaults("tiny", 2, seed);
        TrainConfig cfg = new TrainConfig("tiny", 2, seed, 16, d.learningRate(), d.beta1(), d.beta2(), d.epsilon(),
                5, 0.2, 1, 2, io.maskgate.trainer.data.Augmenter.Preset.CAMERA);
        var out = new java.io.PrintStream(java.io.OutputStream.nullOutputStream());
        return new Trainer(cfg, out).train(io.maskgate.trainer.model.Architectures.tiny(), set, set).best();
    }
}
