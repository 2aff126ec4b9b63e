package io.maskgate.service.console.live;

/** A count over the last hour in one-minute buckets (a rolling window, no per-event memory). */
final class HourCounter {

    private final int[] buckets = new int[60];
    private final long[] minuteOf = new long[60];

    void add(long epochMillis, int n) {
        long minute = epochMillis / 60_000;
        int i = (int) (minute % 60);
        if (minuteOf[i] != minute) {
            minuteOf[i] = minute;
            buckets[i] = 0;
        }
        buckets[i] += n;
    }

    int total(long nowMillis) {
        long now = nowMillis / 60_000;
        int sum = 0;
        for (int i = 0; i < 60; i++) {
            if (now - minuteOf[i] < 60 && minuteOf[i] <= now) {
                sum += buckets[i];
            }
        }
        return sum;
    }
}
