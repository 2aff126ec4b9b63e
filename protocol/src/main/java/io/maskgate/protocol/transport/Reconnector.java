package io.maskgate.protocol.transport;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

/**
 * (Re)connects one MQTT client with its own exponential backoff (min doubling up to max), for the service's
 * clients and the actuator simulators alike. Replaces Paho's automatic reconnect, whose backoff (Paho mqttv5
 * 1.2.5) is one static field shared by every client in the JVM: it ignores the configured minimum, is doubled by
 * the failures of all clients at once, and its unsynchronised check-then-double can overshoot the maximum (32 s,
 * 64 s), so the service came back a minute after the broker.
 *
 * <p>The first attempt after a trigger is immediate, unless the previous connection lasted less than
 * {@code min(max, 10 s)}: a link dropped again right after each connect (e.g. another client taking over its id)
 * waits min, then 2 min, 4 min... before its first attempt, one doubling per consecutive short-lived connection,
 * and is back to immediate once a connection has lasted. A long outage in the past does not slow the next
 * reconnect. With jitter on, each wait is drawn from [backoff/2, backoff], so many clients that lost the same
 * broker do not come back in step.
 */
public final class Reconnector {

    /** One connect attempt that blocks until it succeeds or fails. */
    public interface Attempt {
        void connect() throws Exception;
    }

    private static final System.Logger log = System.getLogger(Reconnector.class.getName());

    private final String name;
    private final Attempt attempt;
    private final BooleanSupplier connected;
    private final BooleanSupplier running;
    private final long minMs;
    private final long maxMs;
    private final boolean jitter;
    private final AtomicBoolean active = new AtomicBoolean();
    private final long stableMs;
    private volatile Thread thread;
    private volatile boolean stopped;
    private volatile long connectedAtNanos = Long.MIN_VALUE;
    /** Consecutive connections that lasted less than stableMs; only the loop thread writes it. */
    private volatile int flaps;

    public Reconnector(String name, Attempt attempt, BooleanSupplier connected, BooleanSupplier running,
                       Duration min, Duration max) {
        this(name, attempt, connected, running, min, max, false);
    }

    public Reconnector(String name, Attempt attempt, BooleanSupplier connected, BooleanSupplier running,
                       Duration min, Duration max, boolean jitter) {
        this.name = name;
        this.attempt = attempt;
        this.connected = connected;
        this.running = running;
        this.minMs = Math.max(1, min.toMillis());
        this.maxMs = Math.max(this.minMs, max.toMillis());
        this.jitter = jitter;
        this.stableMs = Math.min(this.maxMs, 10_000);
    }

    /** Records a connection made outside the loop (e.g. the first, synchronous one). */
    public void markConnected() {
        connectedAtNanos = System.nanoTime();
    }

    /** Ends a running loop now (interrupting its wait) and starts no new one. */
    public void stop() {
        stopped = true;
        Thread t = thread;
        if (t != null && t != Thread.currentThread()) {
            t.interrupt();
        }
    }

    /** Starts a connect loop unless one is already running; returns at once. */
    public void trigger() {
        if (stopped || !active.compareAndSet(false, true)) {
            return;
        }
        Thread t = new Thread(this::loop, "maskgate-mqtt-reconnect-" + name);
        t.setDaemon(true);
        thread = t;
        t.start();
    }

    /** Waits up to {@code timeoutMs} (> 0) for a running loop to end (after {@code running} turned false). */
    public boolean awaitIdle(long timeoutMs) throws InterruptedException {
        Thread t = thread;
        if (t != null && t != Thread.currentThread()) {
            t.join(Math.max(1, timeoutMs));
            return !t.isAlive();
        }
        return true;
    }

    private void loop() {
        long lastConnect = connectedAtNanos;
        boolean shortLived = lastConnect != Long.MIN_VALUE && System.nanoTime() - lastConnect < stableMs * 1_000_000L;
        flaps = shortLived ? flaps + 1 : 0;
        long backoffMs = minMs;
        for (int i = 1; i < flaps && backoffMs < maxMs; i++) {
            backoffMs = nextBackoff(backoffMs);
        }
        try {
            boolean first = flaps == 0;
            while (!stopped && running.getAsBoolean() && !connected.getAsBoolean()) {
                if (!first) {
                    Thread.sleep(jitter ? backoffMs / 2 + ThreadLocalRandom.current().nextLong(backoffMs / 2 + 1)
                            : backoffMs);
                    backoffMs = nextBackoff(backoffMs);
                }
                first = false;
                if (stopped || !running.getAsBoolean() || connected.getAsBoolean()) {
                    break;
                }
                try {
                    attempt.connect();
                    if (connected.getAsBoolean()) {
                        connectedAtNanos = System.nanoTime();
                    }
                } catch (Exception e) {
                    log.log(System.Logger.Level.WARNING, "MQTT {0} connect failed: {1}; retrying in {2} ms", name,
                            e.getMessage(), String.valueOf(backoffMs));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            active.set(false);
        }
        // a disconnect that raced with the end of this loop must not be lost
        if (!stopped && running.getAsBoolean() && !connected.getAsBoolean()) {
            trigger();
        }
    }

    long nextBackoff(long backoffMs) {
        return Math.min(backoffMs * 2, maxMs);
    }
}
