package io.maskgate.service.rollout;

import java.util.Locale;

/**
 * The rollout's second error signal (issue 12): the float model re-verifies uncertain decisions on the doors, and
 * when the new int8 model and its float model disagree on too many of them the model misbehaves in the field even
 * if every unit passed its self-test. A RUNNING rollout pauses when at least {@code minFrames} frames of its version
 * were re-verified and more than {@code thresholdPercent} of them disagree; a small sample never pauses it (one
 * odd crop in the canary is not a trend).
 *
 * @param thresholdPercent disagreement rate (percent, 1..100) above which the rollout pauses
 * @param minFrames        re-verified frames needed before the rate counts (>= 1)
 */
public record DisagreementRule(int thresholdPercent, int minFrames) {

    public DisagreementRule {
        if (thresholdPercent < 1 || thresholdPercent > 100) {
            throw new IllegalArgumentException("disagreementThreshold must be 1..100 (percent)");
        }
        if (minFrames < 1) {
            throw new IllegalArgumentException("disagreementMinFrames must be >= 1");
        }
    }

    /** Re-verified frames and how many of them the float model labelled differently. */
    public record Sample(long verified, long disagreed) {
        public double percent() {
            return verified == 0 ? 0 : 100.0 * disagreed / verified;
        }
    }

    /** True when the sample is large enough and its disagreement rate is above the threshold. */
    public boolean pauses(Sample s) {
        return s.verified() >= minFrames && s.disagreed() * 100 > (long) thresholdPercent * s.verified();
    }

    /** Why the rollout was paused, for its status reason, event and audit entry. */
    public String reason(String version, Sample s) {
        return String.format(Locale.ROOT, "int8/float disagreement of %s: %d of %d re-verified frames (%.1f %%) "
                + "above the threshold %d %% (minimum sample %d)", version, s.disagreed(), s.verified(), s.percent(),
                thresholdPercent, minFrames);
    }
}
