package io.maskgate.trainer.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.maskgate.trainer.data.AugmentationTest;
import io.maskgate.trainer.data.Augmenter;
import io.maskgate.trainer.data.ImageSet;
import io.maskgate.trainer.data.Label;
import io.maskgate.trainer.data.SourceImage;
import io.maskgate.trainer.model.Architectures;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A run stopped after k epochs (time budget, snapshot) must equal a run of --epochs k bit for bit, with the
 * STRONG preset and selection on two validation sets: that is what makes a stopped run reproducible.
 */
class StopEarlyTest {

    private static TrainingRun run(int epochs, int stopAfter) {
        List<SourceImage> imgs = new ArrayList<>();
        for (int i = 0; i < 32; i++) {
            imgs.add(AugmentationTest.gradient("i" + i, i % 2 == 0 ? Label.MASK : Label.NO_MASK, i));
        }
        ImageSet set = ImageSet.of(Path.of("mem"), imgs);
        ImageSet other = ImageSet.of(Path.of("mem2"), imgs.subList(0, 16));
        TrainConfig d = TrainConfig.defaults("tiny", epochs, 5);
        TrainConfig cfg = new TrainConfig("tiny", epochs, 5, 16, d.learningRate(), d.beta1(), d.beta2(), d.epsilon(),
                1, 0.2, 1, 2, Augmenter.Preset.STRONG);
        PrintStream out = new PrintStream(OutputStream.nullOutputStream());
        return new Trainer(cfg, out).train(Architectures.tiny(), set, Map.of("a", set, "b", other), true,
                soFar -> soFar.history().size() < stopAfter);
    }

    @Test
    void aRunStoppedAfterTwoEpochsEqualsATwoEpochRun() {
        TrainingRun stopped = run(4, 2);
        TrainingRun two = run(2, Integer.MAX_VALUE);
        assertEquals(2, stopped.history().size());
        assertEquals(two.history(), stopped.history().stream()
                .map(e -> new EpochResult(e.epoch(), e.trainLoss(), e.valLoss(), e.valAccuracy(), e.learningRate(),
                        two.history().get(e.epoch() - 1).seconds(), e.best(), e.valBalancedAccuracy())).toList());
        assertEquals(two.bestEpoch(), stopped.bestEpoch());
        for (String name : two.best().values().keySet()) {
            assertArrayEquals(two.best().get(name), stopped.best().get(name), name);
        }
    }
}
