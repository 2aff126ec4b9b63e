package io.maskgate.trainer.train;

import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.op.train.ApplyAdam;
import org.tensorflow.types.TFloat32;

/**
 * One Adam update over native {@code ApplyAdam}, built by hand instead of tensorflow-framework's optimizer
 * (which rejects names with '/', differentiates every graph variable and can race its bias-correction update).
 * Ordering is explicit: every ApplyAdam waits for every gradient (no update can leak into another variable's
 * back-propagation), and the beta-power updates wait for every ApplyAdam.
 */
public final class AdamStep {
    private final Op train;
    private final List<Op> reset = new ArrayList<>();

    /**
     * @param vars  variables in the same order as {@code grads}
     * @param names flat names used for the slot variables ({@code <name>_m}, {@code <name>_v})
     * @param lr    learning-rate operand (a placeholder, so the plateau schedule can change it)
     */
    public AdamStep(Ops tf, List<Variable<TFloat32>> vars, List<String> names, List<Operand<TFloat32>> grads,
                    Operand<TFloat32> lr, TrainConfig cfg) {
        Variable<TFloat32> beta1Power = tf.withName("adam_beta1_power").variable(Shape.scalar(), TFloat32.class);
        Variable<TFloat32> beta2Power = tf.withName("adam_beta2_power").variable(Shape.scalar(), TFloat32.class);
        Operand<TFloat32> b1 = tf.constant((float) cfg.beta1());
        Operand<TFloat32> b2 = tf.constant((float) cfg.beta2());
        Operand<TFloat32> eps = tf.constant((float) cfg.epsilon());
        reset.add(tf.assign(beta1Power, b1));
        reset.add(tf.assign(beta2Power, b2));
        List<Op> gradOps = new ArrayList<>();
        for (Operand<TFloat32> g : grads) {
            gradOps.add(tf.identity(g));
        }
        Ops afterGrads = tf.withControlDependencies(gradOps);
        List<Op> applies = new ArrayList<>();
        for (int i = 0; i < vars.size(); i++) {
            Variable<TFloat32> v = vars.get(i);
            Shape shape = v.shape();
            Variable<TFloat32> m = tf.withName(names.get(i) + "_m").variable(shape, TFloat32.class);
            Variable<TFloat32> s = tf.withName(names.get(i) + "_v").variable(shape, TFloat32.class);
            reset.add(tf.assign(m, tf.zerosLike(v)));
            reset.add(tf.assign(s, tf.zerosLike(v)));
            applies.add(ApplyAdam.create(afterGrads.scope(), v, m, s, beta1Power, beta2Power, lr, b1, b2, eps,
                    grads.get(i)));
        }
        Ops afterApplies = tf.withControlDependencies(applies);
        Op u1 = afterApplies.assign(beta1Power, afterApplies.math.mul(beta1Power, b1));
        Op u2 = afterApplies.assign(beta2Power, afterApplies.math.mul(beta2Power, b2));
        this.train = tf.withControlDependencies(List.of(u1, u2)).noOp();
    }

    /** Run this target once per batch. */
    public Op train() {
        return train;
    }

    /** Zeroes the moments and resets the beta powers; run once before the first step. */
    public List<Op> reset() {
        return reset;
    }
}
