package io.maskgate.service.verify;

/**
 * A door's uncertainty band and float-verdict deadline. A decision whose score is in [bandLow, bandHigh] is
 * uncertain: its unit uploads the crop and the service re-verifies it with the float model; in ENFORCE_VERIFIED
 * mode the door then waits for that verdict up to {@code deadlineMs}.
 */
public record DoorVerification(int bandLow, int bandHigh, int deadlineMs) {

    public static final int DEFAULT_DEADLINE_MS = 300;

    public DoorVerification {
        if (bandLow < 0 || bandHigh > 1000 || bandLow > bandHigh) {
            throw new IllegalArgumentException("need 0 <= bandLow <= bandHigh <= 1000");
        }
        if (deadlineMs < 1 || deadlineMs > 60_000) {
            throw new IllegalArgumentException("deadlineMs must be 1..60000");
        }
    }

    public boolean uncertain(int score) {
        return score >= bandLow && score <= bandHigh;
    }
}
