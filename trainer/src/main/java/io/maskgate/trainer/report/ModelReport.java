package io.maskgate.trainer.report;

/**
 * Every measured figure of one architecture, computed by {@code model report} from its trained artifacts and
 * kept as {@code models/metrics/<arch>.json} so rows survive when large baseline files are not in git.
 */
public record ModelReport(String arch, String artifacts, long parameters, long macs, double estimatedH7Fps,
                          long floatSavedModelBytes, long floatWeightBytes, long int8Bytes, int arenaBytes,
                          Scores floatTest, Scores int8Test, double testAgreement, double testMaxAbsDiff,
                          Scores floatObservations, Scores int8Observations, double observationsAgreement,
                          String augmentation, int epochs, int bestEpoch, double trainSeconds, double secondsPerEpoch, long seed,
                          double loadAverage, String tfliteReference, String generatedAt, String gitCommit) {

    /** OpenMV H7 throughput assumed for CMSIS-NN int8 kernels (MIT TinyEngine comparison, STM32H743). */
    public static final double H7_MACS_PER_SECOND = 115e6;
}
