package io.maskgate.agent.inference;

/** Probability to the protocol's per-mille score, exactly as the firmware rounds it. */
public final class Scores {

    private Scores() {
    }

    public static int perMille(double probability) {
        if (Double.isNaN(probability)) {
            return 0;
        }
        long v = (long) Math.floor(probability * 1000 + 0.5);
        return (int) Math.max(0, Math.min(1000, v));
    }
}
