package io.maskgate.trainer.report.door;

import java.util.List;

/**
 * Chooses the door's default minimum score from validation data only: the lowest per-mille threshold at which the
 * int8 model's one-frame false-unlock rate is at most {@link #TARGET_FALSE_UNLOCK} on every validation set. The
 * lowest such threshold refuses the fewest masked faces. Test sets never enter the choice.
 */
public final class Calibration {
    public static final double TARGET_FALSE_UNLOCK = 0.01;
    public static final int LOWEST = 500;

    private Calibration() {
    }

    public record Choice(int threshold, String rule) {
    }

    /** A choice as recorded in models/metrics/door/calibration.json, valid while the model file is unchanged. */
    public record Recorded(String model, String modelSha256, int threshold, String rule, String curve) {
    }

    public static Choice choose(ScoredModel model) {
        List<String> val = model.sets(EvalSet.Role.VAL);
        for (int t = LOWEST; t <= 1000; t++) {
            boolean ok = true;
            for (String s : val) {
                ok &= model.falseUnlockRate(s, t) <= TARGET_FALSE_UNLOCK;
            }
            if (ok) {
                return new Choice(t, String.format(java.util.Locale.ROOT, "lowest score >= %d with one-frame "
                        + "false-unlock <= %.0f %% on every validation set (%s), int8 through tinyml TFLM", LOWEST,
                        100 * TARGET_FALSE_UNLOCK, String.join(", ", val)));
            }
        }
        return new Choice(1000, "no threshold reaches the target; the strictest score 1000 is used");
    }
}
