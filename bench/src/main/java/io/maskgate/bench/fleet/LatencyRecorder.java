package io.maskgate.bench.fleet;

import java.util.Arrays;

/** Collects latencies in microseconds (thread-safe, bounded) and reports percentiles. */
public final class LatencyRecorder {

    private final long[] samples;
    private int count;
    private long total;

    public LatencyRecorder(int capacity) {
        samples = new long[capacity];
    }

    public synchronized void record(long micros) {
        total++;
        if (count < samples.length) {
            samples[count++] = micros;
        } else {
            // reservoir: keep a uniform sample once full
            long slot = java.util.concurrent.ThreadLocalRandom.current().nextLong(total);
            if (slot < samples.length) {
                samples[(int) slot] = micros;
            }
        }
    }

    public synchronized long total() {
        return total;
    }

    /** The p-th percentile (0..100) in microseconds, -1 when empty. */
    public synchronized long percentile(double p) {
        if (count == 0) {
            return -1;
        }
        long[] sorted = Arrays.copyOf(samples, count);
        Arrays.sort(sorted);
        int idx = (int) Math.ceil(p / 100.0 * count) - 1;
        return sorted[Math.max(0, Math.min(count - 1, idx))];
    }
}
