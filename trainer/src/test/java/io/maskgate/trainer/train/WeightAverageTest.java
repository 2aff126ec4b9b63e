package io.maskgate.trainer.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Polyak averaging with TensorFlow's num_updates warm-up, computed by hand for a few steps. */
class WeightAverageTest {

    private static Weights w(float... v) {
        return new Weights(Map.of("k", v), Map.of("k", new int[] {v.length}));
    }

    @Test
    void warmsUpThenAveragesWithTheConfiguredDecay() {
        WeightAverage avg = new WeightAverage(0.5);
        avg.update(w(10f, 0f));
        assertArrayEquals(new float[] {10f, 0f}, avg.weights().get("k"), "the first update is taken as it is");
        avg.update(w(0f, 10f)); // t = 1: decay min(0.5, 2/11) = 2/11
        double d = 2.0 / 11;
        assertArrayEquals(new float[] {(float) (d * 10), (float) ((1 - d) * 10)}, avg.weights().get("k"), 1e-5f);
        for (int i = 0; i < 200; i++) {
            avg.update(w(4f, 4f)); // past the warm-up the decay is 0.5: the old value halves away per step
        }
        assertArrayEquals(new float[] {4f, 4f}, avg.weights().get("k"), 1e-5f);
        assertEquals(202, avg.updates());
        avg.update(w(8f, 0f));
        assertArrayEquals(new float[] {6f, 2f}, avg.weights().get("k"), 1e-5f);
    }

    @Test
    void theAverageIsACopyAndBadInputIsRefused() {
        WeightAverage avg = new WeightAverage(0.9);
        assertThrows(IllegalStateException.class, avg::weights);
        float[] live = {1f, 2f};
        avg.update(w(live));
        live[0] = 99f; // the caller's array changing later must not move the average
        avg.weights().get("k")[1] = -1f;
        assertArrayEquals(new float[] {1f, 2f}, avg.weights().get("k"));
        assertThrows(IllegalArgumentException.class, () -> avg.update(w(1f)));
        assertThrows(IllegalArgumentException.class, () -> new WeightAverage(1.0));
        assertThrows(IllegalArgumentException.class, () -> new WeightAverage(0));
    }
}
