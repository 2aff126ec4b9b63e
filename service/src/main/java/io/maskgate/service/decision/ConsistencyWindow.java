package io.maskgate.service.decision;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The last M decisions of one door (positive = confident, fresh MASK), for the "N consistent frames out of M"
 * rule. Entries are kept by capture time; only those captured since a cutoff (the policy's window and the
 * unlock freshness, whichever is shorter) count, so stale evidence never opens a door.
 */
final class ConsistencyWindow {

    private record Entry(long capturedAtMillis, boolean positive) {
    }

    private final Deque<Entry> entries = new ArrayDeque<>();

    /**
     * Records a decision and returns how many of the last {@code m} are positive and captured at or after
     * {@code countFromMillis}.
     */
    synchronized int record(long capturedAtMillis, boolean positive, int m, long countFromMillis) {
        entries.addLast(new Entry(capturedAtMillis, positive));
        while (entries.size() > m) {
            entries.removeFirst();
        }
        int count = 0;
        for (Entry e : entries) {
            if (e.positive() && e.capturedAtMillis() >= countFromMillis) {
                count++;
            }
        }
        return count;
    }
}
