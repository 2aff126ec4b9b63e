package io.maskgate.agent.smoothing;

import io.maskgate.protocol.Label;
import java.util.ArrayDeque;
import java.util.Optional;

/**
 * Majority over the last M frames, same rule as the firmware: MASK when at least N of them scored at or above
 * the threshold, NO_MASK when at least N scored below, otherwise nothing (uncertain). N must be a majority of M
 * so both can never hold, and one noisy frame can never produce a MASK decision.
 */
public final class Smoother {

    /** A smoothed verdict: the label and the rounded mean score of the agreeing frames. */
    public record Smoothed(Label label, int score) {
    }

    private final int n;
    private final int m;
    private final int threshold;
    private final ArrayDeque<Integer> window = new ArrayDeque<>();

    public Smoother(int n, int m, int threshold) {
        if (n < 1 || n > m) {
            throw new IllegalArgumentException("need 1 <= N <= M, got N=" + n + " M=" + m);
        }
        if (2 * n <= m) {
            throw new IllegalArgumentException("N must be a majority of M (2N > M), got N=" + n + " M=" + m);
        }
        if (threshold < 0 || threshold > 1000) {
            throw new IllegalArgumentException("threshold is per-mille 0..1000, got " + threshold);
        }
        this.n = n;
        this.m = m;
        this.threshold = threshold;
    }

    public void reset() {
        window.clear();
    }

    public Optional<Smoothed> update(int score) {
        window.addLast(score);
        if (window.size() > m) {
            window.removeFirst();
        }
        int masked = 0;
        int unmasked = 0;
        long maskedSum = 0;
        long unmaskedSum = 0;
        for (int s : window) {
            if (s >= threshold) {
                masked++;
                maskedSum += s;
            } else {
                unmasked++;
                unmaskedSum += s;
            }
        }
        if (masked >= n) {
            return Optional.of(new Smoothed(Label.MASK, (int) ((maskedSum + masked / 2) / masked)));
        }
        if (unmasked >= n) {
            return Optional.of(new Smoothed(Label.NO_MASK, (int) ((unmaskedSum + unmasked / 2) / unmasked)));
        }
        return Optional.empty();
    }
}
