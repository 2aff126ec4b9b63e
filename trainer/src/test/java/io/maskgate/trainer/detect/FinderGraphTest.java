package io.maskgate.trainer.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.maskgate.tinyml.finder.Box;
import io.maskgate.tinyml.finder.FinderSpec;
import io.maskgate.trainer.train.TrainConfig;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The detection loss trains through native gradients: repeated steps on one batch drive its loss down. */
class FinderGraphTest {

    @Test
    void stepsOnOneBatchLowerItsLossAndPredictionsAreProbabilities() {
        FinderNet net = FinderNet.v2();
        int n = 2;
        int px = FinderSpec.INPUT * FinderSpec.INPUT * 3;
        int gc = FinderSpec.GRID * FinderSpec.GRID * FinderSpec.CHANNELS;
        float[] pixels = new float[n * px];
        Random r = new Random(3);
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = r.nextFloat();
        }
        float[] t = new float[n * gc];
        float[] w = new float[n * gc];
        for (int i = 0; i < n; i++) {
            FinderTargets ft = FinderTargets.encode(List.of(new Box(20 + 30 * i, 30, 60 + 30 * i, 80)), List.of());
            System.arraycopy(ft.target(), 0, t, i * gc, gc);
            System.arraycopy(ft.weight(), 0, w, i * gc, gc);
        }
        try (FinderGraph g = new FinderGraph(net, TrainConfig.defaults(net.arch(), 1, 1))) {
            g.load(FinderInit.heNormal(net, 1));
            g.resetOptimizer();
            float first = g.step(pixels, t, w, n, 2e-3f);
            float last = first;
            for (int i = 0; i < 15; i++) {
                last = g.step(pixels, t, w, n, 2e-3f);
            }
            assertTrue(last < 0.7 * first, "loss " + first + " -> " + last);
            float[] p = g.predict(pixels, n);
            assertEquals(n * gc, p.length);
            for (float v : p) {
                assertTrue(v >= 0 && v <= 1);
            }
            assertEquals(net.params().size(), g.weights().values().size());
        }
    }
}
