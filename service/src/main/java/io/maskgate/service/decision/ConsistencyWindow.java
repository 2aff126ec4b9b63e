package io.maskgate.service.decision;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The last M decisions of one door (positive = confident MASK), for the "N consistent frames out of M" rule.
 * Entries older than the policy's window no longer count, so stale evidence never opens a door.
 */
final class ConsistencyWindow {

    private record Entry(long atMillis, boolean positive) {
    }

    private final Deque<Entry> entries = new ArrayDeque<>();

    /** Records a decision and returns how many of the last {@code m} within {@code windowMs} are positive. */
    synchronized int record(long atMillis, boolean positive, int m, long windowMs) {
        entries.addLast(new Entry(atMillis, positive));
        while (entries.size() > m) {
            entries.removeFirst();
        }
        int count = 0;
        for (Entry e : entries) {
            if (e.positive() && atMillis - e.atMillis() <= windowMs) {
                count++;
            }
        }
        return count;
    }
}
