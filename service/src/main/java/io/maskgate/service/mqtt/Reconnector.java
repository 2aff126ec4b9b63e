package io.maskgate.service.mqtt;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * (Re)connects one MQTT client with its own exponential backoff (min doubling up to max). Replaces Paho's
 * automatic reconnect, whose backoff (Paho mqttv5 1.2.5) is one static field shared by every client in the JVM:
 * it ignores the configured minimum, is doubled by the failures of all clients at once, and its unsynchronised
 * check-then-double can overshoot the maximum (32 s, 64 s), so the service came back a minute after the broker.
 */
final class Reconnector {

    /** One connect attempt that blocks until it succeeds or fails. */
    interface Attempt {
        void connect() throws MqttException;
    }

    private static final Logger log = LoggerFactory.getLogger(Reconnector.class);

    private final String name;
    private final Attempt attempt;
    private final BooleanSupplier connected;
    private final BooleanSupplier running;
    private final long minMs;
    private final long maxMs;
    private final AtomicBoolean active = new AtomicBoolean();

    Reconnector(String name, Attempt attempt, BooleanSupplier connected, BooleanSupplier running, Duration min,
                Duration max) {
        this.name = name;
        this.attempt = attempt;
        this.connected = connected;
        this.running = running;
        this.minMs = Math.max(1, min.toMillis());
        this.maxMs = Math.max(this.minMs, max.toMillis());
    }

    /** Starts a connect loop unless one is already running; returns at once. */
    void trigger() {
        if (!active.compareAndSet(false, true)) {
            return;
        }
        Thread t = new Thread(this::loop, "maskgate-mqtt-reconnect-" + name);
        t.setDaemon(true);
        t.start();
    }

    private void loop() {
        long backoffMs = minMs;
        try {
            boolean first = true;
            while (running.getAsBoolean() && !connected.getAsBoolean()) {
                if (!first) {
                    Thread.sleep(backoffMs);
                    backoffMs = nextBackoff(backoffMs);
                }
                first = false;
                if (!running.getAsBoolean() || connected.getAsBoolean()) {
                    break;
                }
                try {
                    attempt.connect();
                } catch (MqttException e) {
                    log.warn("MQTT {} connect failed: {}; retrying in {} ms", name, e.getMessage(), backoffMs);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            active.set(false);
        }
        // a disconnect that raced with the end of this loop must not be lost
        if (running.getAsBoolean() && !connected.getAsBoolean()) {
            trigger();
        }
    }

    long nextBackoff(long backoffMs) {
        return Math.min(backoffMs * 2, maxMs);
    }
}
