package io.maskgate.trainer.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.maskgate.trainer.data.Augmenter;
import org.junit.jupiter.api.Test;
import org.tensorflow.EagerSession;
import org.tensorflow.ndarray.StdArrays;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/** --label-smoothing: the targets the loss sees, and the recipe's bounds. */
class LabelSmoothingTest {

    private static float[] targets(double e) {
        try (EagerSession s = EagerSession.create()) {
            Ops tf = Ops.create(s);
            var label = tf.constant(new float[][] {{0f}, {1f}, {1f}});
            try (TFloat32 t = (TFloat32) TrainingGraph.targets(tf, label, e).asTensor()) {
                float[][] out = StdArrays.array2dCopyOf(t);
                return new float[] {out[0][0], out[1][0], out[2][0]};
            }
        }
    }

    @Test
    void smoothedTargetsMoveBothClassesTowardsOneHalf() {
        assertArrayEquals(new float[] {0f, 1f, 1f}, targets(0));
        assertArrayEquals(new float[] {0.05f, 0.95f, 0.95f}, targets(0.1), 1e-6f);
        assertArrayEquals(new float[] {0.25f, 0.75f, 0.75f}, targets(0.5), 1e-6f);
    }

    @Test
    void theRecipeRecordsItAndRefusesValuesOutsideZeroToOne() {
        TrainConfig d = TrainConfig.defaults("tiny", 1, 42);
        assertEquals(0, d.labelSmoothing());
        assertEquals(0.1, d.withLabelSmoothing(0.1).labelSmoothing());
        assertEquals(0.1, d.withLabelSmoothing(0.1).with(1, Augmenter.Preset.STRONG).labelSmoothing());
        assertThrows(IllegalArgumentException.class, () -> d.withLabelSmoothing(1));
        assertThrows(IllegalArgumentException.class, () -> d.withLabelSmoothing(-0.1));
        assertThrows(IllegalArgumentException.class, () -> d.withLabelSmoothing(Double.NaN));
    }
}
