package io.maskgate.trainer.train;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;

import io.maskgate.trainer.model.Architectures;
import org.junit.jupiter.api.Test;

/** Every architecture's ops (conv, depthwise, pools, mean, concat, dropout) have native gradients. */
class GradientRegistryTest {
    @Test
    void everyArchitectureBuildsItsTrainingGraph() {
        for (String arch : Architectures.NAMES) {
            assertDoesNotThrow(() -> {
                try (TrainingGraph g = new TrainingGraph(Architectures.byName(arch),
                        TrainConfig.defaults(arch, 1, 1))) {
                    g.load(Weights.heNormal(Architectures.byName(arch), 1));
                    g.resetOptimizer();
                    float[] px = new float[2 * 32 * 32 * 3];
                    java.util.Arrays.fill(px, 0.5f);
                    float loss = g.step(px, new float[] {1f, 0f}, 2, 1e-3f, 1, 0);
                    if (!Float.isFinite(loss)) {
                        throw new AssertionError(arch + " loss " + loss);
                    }
                }
            }, arch);
        }
    }
}
