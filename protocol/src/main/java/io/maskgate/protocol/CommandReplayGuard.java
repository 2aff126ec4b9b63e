package io.maskgate.protocol;

/**
 * Remembers executed command ids at an actuator so a replayed command is refused. Entries only need to live
 * until the command expires: an expired command is refused anyway.
 */
public interface CommandReplayGuard {

    /**
     * Records {@code commandId} as used. Returns false when it was already used (or cannot be remembered: fail
     * secure).
     */
    boolean firstUse(String commandId, long expiresAt, long now);
}
