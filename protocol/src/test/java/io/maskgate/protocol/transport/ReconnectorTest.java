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
    void consecutiveShortLivedConnectionsWaitLongerAndALastingOneResets() throws Exception {
        AtomicBoolean connected = new AtomicBoolean();
        List<Long> attempts = new CopyOnWriteArrayList<>();
        Reconnector r = new Reconnector("t", () -> {
            attempts.add(System.nanoTime());
            if (attempts.size() == 1) {
                throw new java.io.IOException("broker unreachable");
            }
            connected.set(true);
        }, connected::get, () -> true, Duration.ofMillis(200), Duration.ofMillis(2_000));
        r.trigger(); // attempt 1 at once fails, attempt 2 after 200 ms connects
        waitFor(() -> attempts.size() == 2 && r.awaitIdle(1_000));

        long[] waited = new long[2];
        for (int flap = 0; flap < 2; flap++) {
            connected.set(false); // dropped right after connecting
            long dropped = System.nanoTime();
            r.trigger();
            int expected = 3 + flap;
            waitFor(() -> attempts.size() == expected && r.awaitIdle(1_000));
            waited[flap] = (attempts.get(expected - 1) - dropped) / 1_000_000;
        }
        assertTrue(waited[0] >= 200, "first short-lived connection: waits min first, waited " + waited[0] + " ms");
        assertTrue(waited[1] >= 400, "second in a row: waits 2 min, waited " + waited[1] + " ms");

        Thread.sleep(2_200); // the connection lasts longer than min(max, 10 s)
        connected.set(false);
        long droppedLater = System.nanoTime();
        r.trigger();
        waitFor(() -> attempts.size() == 5);
        long quickMs = (attempts.get(4) - droppedLater) / 1_000_000;
        assertTrue(quickMs < 150, "after a lasting connection the first attempt is immediate, took " + quickMs + " ms");
    }

    @Test
    void stopEndsAWaitingLoopAtOnce() throws Exception {
        Reconnector r = new Reconnector("t", () -> {
            throw new java.io.IOException("broker unreachable");
        }, () -> false, () -> true, Duration.ofSeconds(30), Duration.ofSeconds(30));
        r.trigger();
        Thread.sleep(100); // first attempt failed; now waiting 30 s
        long t0 = System.nanoTime();
        r.stop();
        assertTrue(r.awaitIdle(2_000), "the loop ended");
        assertTrue((System.nanoTime() - t0) / 1_000_000 < 2_000);
        r.trigger(); // no new loop after stop
        assertTrue(r.awaitIdle(100));
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
