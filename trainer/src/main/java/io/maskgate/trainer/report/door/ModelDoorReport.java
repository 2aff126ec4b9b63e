package io.maskgate.trainer.report.door;

import java.util.List;

/**
 * One model's door figures, as recorded in {@code models/metrics/door/<name>.json} (so ablation rows survive when
 * the variant's artifacts, kept outside git, are gone) and in the v2 model card.
 */
public record ModelDoorReport(String name, String artifacts, String arch, long parameters, long macs,
                              long int8Bytes, int arenaBytes, String recipe, int epochs, int bestEpoch,
                              double trainMinutes, double secondsPerEpoch, double loadAverage, long seed,
                              double selectionScore, int doorThreshold, List<SetFigures> int8, List<SetFigures> floats,
                              String thresholdRule, String calibrationCurve, String int8Sha256, String generatedAt,
                              String gitCommit) {

    public SetFigures int8(String set) {
        return int8.stream().filter(f -> f.set().equals(set)).findFirst().orElse(null);
    }

    public SetFigures floats(String set) {
        return floats == null ? null : floats.stream().filter(f -> f.set().equals(set)).findFirst().orElse(null);
    }
}
