package io.maskgate.protocol;

/**
 * The actuator's signed answer to a {@link DoorCommand}, published on {@link Topics#ack(String)} with QoS 1 and
 * signed with the same door actuator key. REJECTED carries the reason (usually a {@link RejectReason} name).
 *
 * @param v         schema version
 * @param commandId the command answered
 * @param doorId    the acking door; must equal the door id in the topic
 * @param status    DONE or REJECTED
 * @param reason    why it was rejected (printable ASCII, at most 200 chars), null when DONE
 * @param at        epoch ms when the actuator acted
 * @param sig       lowercase hex HMAC-SHA256 of {@link #canonical()} with the door's actuator key
 */
public record CommandAck(int v, String commandId, String doorId, AckStatus status, String reason, long at,
                         String sig) implements SignedMessage<CommandAck> {

    public static final String TYPE = "ack";

    /**
     * Reason of a REJECTED ack for a valid command the actuator did not execute because it was issued before the
     * last command it executed (a re-sent UNLOCK arriving after a LOCK): expected, not an alert.
     */
    public static final String SUPERSEDED = "SUPERSEDED";

    public CommandAck {
        Checks.version(v);
        Ids.require("commandId", commandId);
        Ids.require("doorId", doorId);
        Checks.notNull("status", status);
        if (reason != null && (reason.length() > Limits.MAX_REASON_CHARS || !reason.chars().allMatch(c -> c >= 0x20 && c <= 0x7E))) {
            throw new IllegalArgumentException("reason must be at most " + Limits.MAX_REASON_CHARS
                    + " printable ASCII characters");
        }
        Checks.range("at", at, 0, Long.MAX_VALUE);
        Checks.sig(sig);
    }

    public static CommandAck unsigned(String commandId, String doorId, AckStatus status, String reason, long at) {
        return new CommandAck(Limits.SCHEMA_VERSION, commandId, doorId, status, reason, at, null);
    }

    @Override
    public String canonical() {
        return Canonical.of(TYPE, v, commandId, doorId, status, reason, at);
    }

    @Override
    public CommandAck withSig(String newSig) {
        return new CommandAck(v, commandId, doorId, status, reason, at, newSig);
    }
}
