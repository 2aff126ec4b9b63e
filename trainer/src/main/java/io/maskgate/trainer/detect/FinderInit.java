package io.maskgate.trainer.detect;

import io.maskgate.trainer.model.Network;
import io.maskgate.trainer.train.Weights;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Initial finder weights: He-normal (std sqrt(2 / fan_in), both signs) like the classifier's
 * {@link Weights#heNormal}, zero biases, except the score channel's bias, which starts at the log-odds of a
 * face-centre cell (about 1 in 100) so the first steps are not spent unlearning a 50 % prior.
 */
final class FinderInit {
    static final float SCORE_PRIOR_BIAS = (float) Math.log(0.01 / 0.99);

    private FinderInit() {
    }

    static Weights heNormal(FinderNet net, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        Map<String, float[]> v = new LinkedHashMap<>();
        Map<String, int[]> s = new LinkedHashMap<>();
        for (Network.Param p : net.params()) {
            float[] a = new float[p.size()];
            if (p.fanIn() > 0) {
                double std = Math.sqrt(2.0 / p.fanIn());
                for (int i = 0; i < a.length; i++) {
                    double u1 = Math.max(rnd.nextDouble(), 1e-300);
                    double u2 = rnd.nextDouble();
                    a[i] = (float) (Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2) * std);
                }
            } else if (p.name().equals("head_b")) {
                a[io.maskgate.tinyml.finder.FinderSpec.SCORE] = SCORE_PRIOR_BIAS;
            }
            v.put(p.name(), a);
            s.put(p.name(), p.shape());
        }
        return new Weights(v, s);
    }
}
