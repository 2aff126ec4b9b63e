package io.maskgate.service.verify;

import io.maskgate.protocol.Decision;
import io.maskgate.service.door.DoorPolicy;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * An authenticated decision whose score fell in its door's uncertainty band, held until its frame arrives.
 * {@code enforced}: the door is in ENFORCE_VERIFIED mode and its verdict waits for the float model, decided
 * exactly once (by the float verdict in time, or by the deadline / an unverifiable frame).
 */
public final class UncertainDecision {

    private final Decision decision;
    private final Instant at;
    private final long arrivedNanos;
    private final boolean enforced;
    private final DoorPolicy policy;
    private final int deadlineMs;
    private final AtomicBoolean frameClaimed = new AtomicBoolean();
    private final AtomicBoolean decided = new AtomicBoolean();
    private volatile long frameNanos;

    public UncertainDecision(Decision decision, Instant at, long arrivedNanos, boolean enforced, DoorPolicy policy,
                             int deadlineMs) {
        this.decision = decision;
        this.at = at;
        this.arrivedNanos = arrivedNanos;
        this.enforced = enforced;
        this.policy = policy;
        this.deadlineMs = deadlineMs;
    }

    public Decision decision() {
        return decision;
    }

    public Instant at() {
        return at;
    }

    public long arrivedNanos() {
        return arrivedNanos;
    }

    public boolean enforced() {
        return enforced;
    }

    public DoorPolicy policy() {
        return policy;
    }

    public int deadlineMs() {
        return deadlineMs;
    }

    /** True while the deadline has not passed (by the clock, whatever the timer thread is doing). */
    public boolean inTime(long nowNanos) {
        return nowNanos - arrivedNanos <= deadlineMs * 1_000_000L;
    }

    boolean claimFrame() {
        return frameClaimed.compareAndSet(false, true);
    }

    void releaseFrame() {
        frameClaimed.set(false);
    }

    public boolean frameArrived() {
        return frameNanos != 0;
    }

    void frameAccepted(long nanos) {
        frameNanos = nanos == 0 ? 1 : nanos;
    }

    public long frameNanos() {
        return frameNanos;
    }

    /** Takes the right to decide the door's verdict; true once. */
    boolean decide() {
        return decided.compareAndSet(false, true);
    }
}
