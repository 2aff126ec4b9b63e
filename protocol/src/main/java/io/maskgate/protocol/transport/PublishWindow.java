package io.maskgate.protocol.transport;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The QoS 1 publishes one connection keeps in flight: the configured size, capped at the broker's Receive Maximum
 * (its CONNACK says how many unacknowledged QoS 1 messages it takes from this client; HiveMQ's default is 10). Paho
 * refuses a publish past the broker's limit at once ("too many publishes in progress"), so a window larger than it
 * turned bursts into failed publishes instead of publishes that wait for a free slot.
 */
final class PublishWindow {

    /** A semaphore whose number of permits can shrink (Semaphore keeps that protected). */
    private static final class Permits extends Semaphore {
        Permits(int permits) {
            super(permits);
        }

        void shrink(int by) {
            reducePermits(by);
        }
    }

    private final int configured;
    private final Permits permits;
    private int size;

    PublishWindow(int configured) {
        this.configured = Math.max(1, configured);
        this.size = this.configured;
        this.permits = new Permits(this.size);
    }

    /**
     * Fits the window to a (new) connection's broker.
     *
     * @param receiveMaximum the broker's Receive Maximum, or 0 when it sent none (the MQTT default, 65,535)
     */
    synchronized void fitTo(int receiveMaximum) {
        int target = receiveMaximum > 0 ? Math.min(configured, receiveMaximum) : configured;
        if (target > size) {
            permits.release(target - size);
        } else if (target < size) {
            permits.shrink(size - target);
        }
        size = target;
    }

    synchronized int size() {
        return size;
    }

    boolean tryAcquire(long timeout, TimeUnit unit) throws InterruptedException {
        return permits.tryAcquire(timeout, unit);
    }

    void release() {
        permits.release();
    }
}
