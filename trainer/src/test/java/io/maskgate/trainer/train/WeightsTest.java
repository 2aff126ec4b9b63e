package io.maskgate.trainer.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.maskgate.trainer.model.Architectures;
import io.maskgate.trainer.model.Network;
import org.junit.jupiter.api.Test;

/** The initialiser trap: tensorflow-framework's uniform initialisers gave only non-negative weights. */
class WeightsTest {

    @Test
    void heNormalHasBothSignsZeroMeanAndTheRightSpread() {
        Network net = Architectures.tiny();
        Weights w = Weights.heNormal(net, 7);
        for (Network.Param p : net.params()) {
            float[] a = w.get(p.name());
            if (p.fanIn() == 0) {
                for (float v : a) {
                    assertEquals(0f, v, "bias " + p.name());
                }
                continue;
            }
            if (a.length < 200) {
                continue;
            }
            double mean = 0;
            double sq = 0;
            int neg = 0;
            for (float v : a) {
                mean += v;
                sq += v * v;
                neg += v < 0 ? 1 : 0;
            }
            mean /= a.length;
            double std = Math.sqrt(sq / a.length - mean * mean);
            double expected = Math.sqrt(2.0 / p.fanIn());
            assertTrue(neg > a.length / 3 && neg < 2 * a.length / 3, p.name() + " negatives " + neg + "/" + a.length);
            assertTrue(Math.abs(std / expected - 1) < 0.15, p.name() + " std " + std + " vs " + expected);
        }
    }

    @Test
    void sameSeedSameWeightsOtherSeedOtherWeights() {
        Network net = Architectures.tiny();
        assertArrayEquals(Weights.heNormal(net, 3).get("conv1_w"), Weights.heNormal(net, 3).get("conv1_w"));
        float[] a = Weights.heNormal(net, 3).get("conv1_w");
        float[] b = Weights.heNormal(net, 4).get("conv1_w");
        assertTrue(!java.util.Arrays.equals(a, b));
    }
}
