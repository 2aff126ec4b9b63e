package io.maskgate.service.lifesafety;

/** A panel's alarm state; owns its transitions (an accepted message either changes the state or repeats it). */
public enum FireAlarmState {
    CLEAR,
    ACTIVE;

    /** The state after an accepted message saying {@code active}. */
    public FireAlarmState on(boolean active) {
        return active ? ACTIVE : CLEAR;
    }

    /** Whether going to {@code next} releases (CLEAR -> ACTIVE) or restores (ACTIVE -> CLEAR) the doors. */
    public boolean changesTo(FireAlarmState next) {
        return this != next;
    }
}
