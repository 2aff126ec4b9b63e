package io.maskgate.agent.smoothing;

import io.maskgate.protocol.Label;

/** Publishes a smoothed label when it changes and repeats an unchanged one at most every interval (firmware rule). */
public final class Pacer {

    private final long intervalMs;
    private Label lastLabel;
    private long lastAt = Long.MIN_VALUE;

    public Pacer(long intervalMs) {
        this.intervalMs = intervalMs;
    }

    public void reset() {
        lastLabel = null;
        lastAt = Long.MIN_VALUE;
    }

    public boolean shouldPublish(Label label, long nowMs) {
        if (label != lastLabel || lastAt == Long.MIN_VALUE || nowMs - lastAt >= intervalMs) {
            lastLabel = label;
            lastAt = nowMs;
            return true;
        }
        return false;
    }
}
