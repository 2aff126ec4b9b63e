package io.maskgate.trainer.train;

/**
 * The training recipe. Defaults are the reference design's: binary cross-entropy, Adam(1e-3, 0.9, 0.999, 1e-7),
 * learning rate x0.2 after 5 epochs without a validation-accuracy improvement, best weights by validation accuracy.
 */
public record TrainConfig(String arch, int epochs, long seed, int batchSize, double learningRate, double beta1,
                          double beta2, double epsilon, int plateauPatience, double plateauFactor,
                          int intraOpThreads, int augmentThreads) {

    public static TrainConfig defaults(String arch, int epochs, long seed) {
        int cores = Runtime.getRuntime().availableProcessors();
        return new TrainConfig(arch, epochs, seed, 64, 1e-3, 0.9, 0.999, 1e-7, 5, 0.2, 1, Math.max(1, cores));
    }
}
