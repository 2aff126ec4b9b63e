package io.maskgate.agent.actuator;

import java.time.Clock;

/**
 * The simulated bolt. Locked unless an accepted UNLOCK is running; relocks by itself when the commanded duration
 * ends (fail secure: nothing has to happen for the door to lock again).
 */
public final class DoorLock {

    private final Clock clock;
    private long unlockedUntil = Long.MIN_VALUE;
    private long unlocks;

    public DoorLock(Clock clock) {
        this.clock = clock;
    }

    public synchronized void unlockFor(long durationMs) {
        unlockedUntil = clock.millis() + durationMs;
        unlocks++;
    }

    public synchronized void lock() {
        unlockedUntil = Long.MIN_VALUE;
    }

    public synchronized boolean unlocked() {
        return clock.millis() < unlockedUntil;
    }

    /** How many accepted UNLOCK commands the door has executed. */
    public synchronized long unlocks() {
        return unlocks;
    }
}
