package io.maskgate.trainer.train;

import java.util.List;

/** Outcome of a training run: best weights (by validation accuracy), per-epoch history and timing. */
public record TrainingRun(Weights best, int bestEpoch, double bestValAccuracy, List<EpochResult> history,
                          double totalSeconds) {
}
