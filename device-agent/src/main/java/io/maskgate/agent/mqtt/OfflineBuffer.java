package io.maskgate.agent.mqtt;

import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Bounded FIFO of messages waiting to be published (all of them pass through it, so order is kept across
 * outages). When full, the oldest is dropped and counted: an old decision can only ever keep a door locked, so
 * losing it is safe, while unbounded memory on a door unit is not. Bounded in messages and in payload bytes
 * ({@link #DEFAULT_MAX_BYTES} unless given): 10,000 frame uploads of 64 KiB would otherwise be 640 MB.
 */
public final class OfflineBuffer {

    /** A message to publish. */
    public record Outgoing(String topic, byte[] payload) {
    }

    /** Payload bytes kept at most unless the constructor says otherwise (8 MiB: 128 frames, ~50,000 decisions). */
    public static final long DEFAULT_MAX_BYTES = 8L << 20;

    private final int capacity;
    private final long maxBytes;
    private long bytes;
    private final ArrayDeque<Outgoing> queue = new ArrayDeque<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();
    private long dropped;

    public OfflineBuffer(int capacity) {
        this(capacity, DEFAULT_MAX_BYTES);
    }

    public OfflineBuffer(int capacity, long maxBytes) {
        if (capacity < 1 || maxBytes < 1) {
            throw new IllegalArgumentException("buffer capacity and byte budget must be >= 1");
        }
        this.capacity = capacity;
        this.maxBytes = maxBytes;
    }

    public void add(Outgoing message) {
        lock.lock();
        try {
            while (!queue.isEmpty() && (queue.size() >= capacity
                    || bytes + message.payload().length > maxBytes)) {
                bytes -= queue.removeFirst().payload().length;
                dropped++;
            }
            queue.addLast(message);
            bytes += message.payload().length;
            notEmpty.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** The oldest message without removing it, waiting up to the timeout; null if none arrived. */
    public Outgoing peek(long timeout, TimeUnit unit) throws InterruptedException {
        lock.lock();
        try {
            long nanos = unit.toNanos(timeout);
            while (queue.isEmpty()) {
                if (nanos <= 0) {
                    return null;
                }
                nanos = notEmpty.awaitNanos(nanos);
            }
            return queue.peekFirst();
        } finally {
            lock.unlock();
        }
    }

    /** Removes {@code message} if it is still the oldest (it may have been dropped for space meanwhile). */
    public void removeIfHead(Outgoing message) {
        lock.lock();
        try {
            if (queue.peekFirst() == message) {
                bytes -= queue.removeFirst().payload().length;
            }
        } finally {
            lock.unlock();
        }
    }

    public int size() {
        lock.lock();
        try {
            return queue.size();
        } finally {
            lock.unlock();
        }
    }

    /** Payload bytes held. */
    public long bytes() {
        lock.lock();
        try {
            return bytes;
        } finally {
            lock.unlock();
        }
    }

    public long dropped() {
        lock.lock();
        try {
            return dropped;
        } finally {
            lock.unlock();
        }
    }
}
