package io.maskgate.trainer.report.door;

/**
 * A model's figures on one set, computed from its per-image scores: at p >= 0.5 (the model card's rule) and at the
 * door's minimum score (per-mille, as the unit rounds it). False unlock = no_mask (or incorrect) faces scored at or
 * above the door threshold in one frame; false refusal = mask faces below it.
 */
public record SetFigures(String set, String role, int mask, int noMask, double accuracy, double balancedAccuracy,
                         double maskRecall, double noMaskRecall, int doorThreshold, int falseUnlocks,
                         double falseUnlockRate, int falseRefusals, double falseRefusalRate, int unlocksAt700,
                         double unlockRateAt700, double agreement) {

    /**
     * @param truth    1 mask, 0 no_mask (incorrect counts as no_mask)
     * @param score    per-mille scores of the model
     * @param decision p >= 0.5 decisions of the model
     * @param other    p >= 0.5 decisions of the other arithmetic (int8 vs float), for agreement; may be null
     */
    public static SetFigures of(String set, String role, int[] truth, int[] score, boolean[] decision,
                                boolean[] other, int threshold) {
        int mask = 0;
        int noMask = 0;
        int maskRight = 0;
        int noMaskRight = 0;
        int unlocks = 0;
        int refusals = 0;
        int unlocks700 = 0;
        int same = 0;
        for (int i = 0; i < truth.length; i++) {
            boolean isMask = truth[i] == 1;
            if (isMask) {
                mask++;
                maskRight += decision[i] ? 1 : 0;
                refusals += score[i] < threshold ? 1 : 0;
            } else {
                noMask++;
                noMaskRight += decision[i] ? 0 : 1;
                unlocks += score[i] >= threshold ? 1 : 0;
                unlocks700 += score[i] >= 700 ? 1 : 0;
            }
            same += other == null || other[i] == decision[i] ? 1 : 0;
        }
        double maskRecall = mask == 0 ? Double.NaN : (double) maskRight / mask;
        double noMaskRecall = noMask == 0 ? Double.NaN : (double) noMaskRight / noMask;
        double balanced = mask == 0 || noMask == 0 ? Double.NaN : (maskRecall + noMaskRecall) / 2;
        return new SetFigures(set, role, mask, noMask, (double) (maskRight + noMaskRight) / truth.length, balanced,
                maskRecall, noMaskRecall, threshold, unlocks, noMask == 0 ? Double.NaN : (double) unlocks / noMask,
                refusals, mask == 0 ? Double.NaN : (double) refusals / mask, unlocks700,
                noMask == 0 ? Double.NaN : (double) unlocks700 / noMask, (double) same / truth.length);
    }
}
