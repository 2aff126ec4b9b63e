package io.maskgate.trainer.train;

import io.maskgate.trainer.data.Augmenter;

/**
 * The training recipe. Defaults are the reference design's: binary cross-entropy, Adam(1e-3, 0.9, 0.999, 1e-7),
 * learning rate x0.2 after 5 epochs without a validation-accuracy improvement, best weights by validation accuracy.
 */
public record TrainConfig(String arch, int epochs, long seed, int batchSize, double learningRate, double beta1,
                          double beta2, double epsilon, int plateauPatience, double plateauFactor,
                          int intraOpThreads, int augmentThreads, Augmenter.Preset augmentation,
                          double labelSmoothing) {

    public TrainConfig {
        if (!(labelSmoothing >= 0 && labelSmoothing < 1)) {
            throw new IllegalArgumentException("label smoothing must be in [0, 1), was " + labelSmoothing);
        }
    }

    /** The reference design's recipe without label smoothing (the field added last keeps old call sites short). */
    public TrainConfig(String arch, int epochs, long seed, int batchSize, double learningRate, double beta1,
                       double beta2, double epsilon, int plateauPatience, double plateauFactor, int intraOpThreads,
                       int augmentThreads, Augmenter.Preset augmentation) {
        this(arch, epochs, seed, batchSize, learningRate, beta1, beta2, epsilon, plateauPatience, plateauFactor,
                intraOpThreads, augmentThreads, augmentation, 0);
    }

    public static TrainConfig defaults(String arch, int epochs, long seed) {
        int cores = Runtime.getRuntime().availableProcessors();
        return new TrainConfig(arch, epochs, seed, 64, 1e-3, 0.9, 0.999, 1e-7, 5, 0.2, 1, Math.max(1, cores),
                Augmenter.Preset.CAMERA);
    }

    public TrainConfig with(int threads, Augmenter.Preset preset) {
        return new TrainConfig(arch, epochs, seed, batchSize, learningRate, beta1, beta2, epsilon, plateauPatience,
                plateauFactor, threads, augmentThreads, preset, labelSmoothing);
    }

    /**
     * Trains towards {@code y(1 - e) + e/2} instead of 0/1. A net trained on hard targets pushes most masked faces
     * into the int8 sigmoid's top step (score 996), where the door threshold has nothing left to choose between; soft
     * targets keep the scores of confident faces spread over several steps.
     */
    public TrainConfig withLabelSmoothing(double e) {
        return new TrainConfig(arch, epochs, seed, batchSize, learningRate, beta1, beta2, epsilon, plateauPatience,
                plateauFactor, intraOpThreads, augmentThreads, augmentation, e);
    }
}
