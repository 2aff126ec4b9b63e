package io.maskgate.protocol;

/**
 * A signed, expiring instruction from the service to one door actuator, published on
 * {@link Topics#command(String)} with QoS 1. The expiry makes a late or replayed command useless; the
 * command id lets the actuator refuse duplicates and lets the service match the ack.
 *
 * @param v          schema version
 * @param commandId  unique id (a UUID string), also the replay key at the actuator
 * @param doorId     the door that must execute it; an actuator of another door refuses it (WRONG_DOOR)
 * @param action     UNLOCK or LOCK
 * @param durationMs how long to stay unlocked, 0..{@link Limits#MAX_COMMAND_MS} (ignored for LOCK)
 * @param issuedAt   epoch ms when the service issued it
 * @param expiresAt  epoch ms after which the actuator must refuse it; issuedAt < expiresAt <= issuedAt + 10 min
 * @param attempt    1 for the first send, incremented on each retry of the same command id
 * @param sig        lowercase hex HMAC-SHA256 of {@link #canonical()} with the door's actuator key
 */
public record DoorCommand(int v, String commandId, String doorId, DoorAction action, long durationMs, long issuedAt,
                          long expiresAt, int attempt, String sig) implements SignedMessage<DoorCommand> {

    public static final String TYPE = "command";

    public DoorCommand {
        Checks.version(v);
        Ids.require("commandId", commandId);
        Ids.require("doorId", doorId);
        Checks.notNull("action", action);
        Checks.range("durationMs", durationMs, 0, Limits.MAX_COMMAND_MS);
        Checks.range("issuedAt", issuedAt, 0, Long.MAX_VALUE - Limits.MAX_COMMAND_MS);
        Checks.range("expiresAt", expiresAt, issuedAt + 1, issuedAt + Limits.MAX_COMMAND_MS);
        Checks.range("attempt", attempt, 1, Limits.MAX_ATTEMPT);
        Checks.sig(sig);
    }

    public static DoorCommand unsigned(String commandId, String doorId, DoorAction action, long durationMs,
                                       long issuedAt, long expiresAt, int attempt) {
        return new DoorCommand(Limits.SCHEMA_VERSION, commandId, doorId, action, durationMs, issuedAt, expiresAt,
                attempt, null);
    }

    @Override
    public String canonical() {
        return Canonical.of(TYPE, v, commandId, doorId, action, durationMs, issuedAt, expiresAt, attempt);
    }

    @Override
    public DoorCommand withSig(String newSig) {
        return new DoorCommand(v, commandId, doorId, action, durationMs, issuedAt, expiresAt, attempt, newSig);
    }

    /** The same command re-sent: attempt + 1, unsigned (sign again). */
    public DoorCommand nextAttempt() {
        return new DoorCommand(v, commandId, doorId, action, durationMs, issuedAt, expiresAt, attempt + 1, null);
    }
}
