package io.maskgate.trainer.train;

import java.util.List;

/**
 * What a training run leaves next to its SavedModel ({@code training.json}): recipe, data counts, history,
 * timing and machine load, so the model card and report can state how the model was made.
 */
public record TrainingRecord(String arch, long seed, int epochs, int batchSize, double learningRate, double beta1,
                             double beta2, double epsilon, int plateauPatience, double plateauFactor,
                             int intraOpThreads, int augmentThreads, String augmentation, String trainData,
                             int trainMask, int trainNoMask, String valData, int valMask, int valNoMask,
                             long parameters, long macs, int bestEpoch, double bestValAccuracy,
                             double trainSeconds, double secondsPerEpoch, double loadAverageStart,
                             double loadAverageEnd, int cores, List<EpochResult> history,
                             io.maskgate.trainer.data.TrainingData.Recipe data, List<String> valSets,
                             String selection, Double labelSmoothing) {
}
