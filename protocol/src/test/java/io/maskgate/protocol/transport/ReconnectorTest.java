package io.maskgate.protocol.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class ReconnectorTest {

    @Test
    void backoffDoublesFromMinAndIsCappedAtMax() {
        Reconnector r = new Reconnector("t", () -> { }, () -> true, () -> true, Duration.ofSeconds(1),
                Duration.ofSeconds(30));
        long b = 1_000;
        StringBuilder seen = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            seen.append(b).append(' ');
            b = r.nextBackoff(b);
        }
        assertEquals("1000 2000 4000 8000 16000 30000 30000 30000", seen.toString().trim());
    }

    @Test
    void retriesUntilConnectedThenStops() throws Exception {
        AtomicBoolean connected = new AtomicBoolean();
        List<Long> attempts = new CopyOnWriteArrayList<>();
        CountDownLatch done = new CountDownLatch(1);
        Reconnector r = new Reconnector("t", () -> {
            attempts.add(System.nanoTime());
            if (attempts.size() < 5) {
                throw new java.io.IOException("broker unreachable");
            }
            connected.set(true);
            done.countDown();
        }, connected::get, () -> true, Duration.ofMillis(20), Duration.ofMillis(60));
        r.trigger();
        r.trigger(); // a second trigger while a loop runs starts no second loop
        assertTrue(done.await(5, TimeUnit.SECONDS));
        Thread.sleep(200);
        assertEquals(5, attempts.size());
        // waits between attempts: 20, 40, 60 (capped), 60 ms
        long[] minGapsMs = {20, 40, 60, 60};
        for (int i = 1; i < attempts.size(); i++) {
            long gapMs = (attempts.get(i) - attempts.get(i - 1)) / 1_000_000;
            long min = minGapsMs[i - 1];
            int n = i + 1;
            assertTrue(gapMs >= min && gapMs <= min + 1_000, () -> "wait before attempt " + n + ": " + gapMs + " ms");
        }
    }

    @Test
    void aLinkDroppedSoonAfterConnectingWaitsTheBackoffItHadReached() throws Exception {
        AtomicBoolean connected = new AtomicBoolean();
        List<Long> attempts = new CopyOnWriteArrayList<>();
        Reconnector r = new Reconnector("t", () -> {
            attempts.add(System.nanoTime());
            if (attempts.size() == 1 || attempts.size() == 2) {
                throw new java.io.IOException("broker unreachable");
            }
            connected.set(true);
        }, connected::get, () -> true, Duration.ofMillis(50), Duration.ofMillis(300));
        r.trigger(); // attempts at 0, +50, +100 ms: the third connects with the backoff at 200 ms
        waitFor(() -> attempts.size() == 3 && r.awaitIdle(1_000));
        connected.set(false); // dropped at once: flapping
        long dropped = System.nanoTime();
        r.trigger();
        waitFor(() -> attempts.size() == 4);
        long waitedMs = (attempts.get(3) - dropped) / 1_000_000;
        assertTrue(waitedMs >= 200, "a flapping link waits its backoff first, waited " + waitedMs + " ms");
        assertTrue(r.awaitIdle(1_000));
        Thread.sleep(400); // longer than max: the link was stable
        connected.set(false);
        long droppedLater = System.nanoTime();
        r.trigger();
        waitFor(() -> attempts.size() == 5);
        long quickMs = (attempts.get(4) - droppedLater) / 1_000_000;
        assertTrue(quickMs < 150, "after a stable link the first attempt is immediate, took " + quickMs + " ms");
    }

    @Test
    void jitterDrawsEachWaitFromHalfToAllOfTheBackoff() throws Exception {
        List<Long> attempts = new CopyOnWriteArrayList<>();
        AtomicBoolean running = new AtomicBoolean(true);
        Reconnector r = new Reconnector("t", () -> {
            attempts.add(System.nanoTime());
            if (attempts.size() >= 8) {
                running.set(false);
            }
            throw new java.io.IOException("broker unreachable");
        }, () -> false, running::get, Duration.ofMillis(100), Duration.ofMillis(100), true);
        r.trigger();
        waitFor(() -> !running.get());
        assertTrue(r.awaitIdle(2_000));
        long shortest = Long.MAX_VALUE;
        for (int i = 1; i < attempts.size(); i++) {
            long gapMs = (attempts.get(i) - attempts.get(i - 1)) / 1_000_000;
            assertTrue(gapMs >= 50, "wait " + i + " at least half the backoff: " + gapMs + " ms");
            shortest = Math.min(shortest, gapMs);
        }
        // 7 uniform draws from [50, 100] ms all >= 95 ms has probability ~1e-7
        assertTrue(shortest < 95, "the waits vary (shortest " + shortest + " ms)");
    }

    private interface Condition {
        boolean holds() throws Exception;
    }

    private static void waitFor(Condition c) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!c.holds()) {
            assertTrue(System.nanoTime() < deadline, "condition not reached within 5 s");
            Thread.sleep(5);
        }
    }
}
