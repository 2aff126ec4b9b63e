package io.maskgate.service.event;

import io.maskgate.protocol.DoorCommand;
import io.maskgate.service.command.CommandOrigin;
import io.maskgate.service.command.CommandStatus;
import java.time.Instant;

/** Current state of one actuator command (upserted into door_commands by the writer). */
public record CommandRecord(String commandId, String doorId, String action, long durationMs, Instant issuedAt,
                            Instant expiresAt, int attempts, CommandStatus status, String origin, String unitId,
                            Long seq, String actor, String ackReason, Instant ackedAt) implements EventWriter.Item {

    /** {@code command} (as last sent) now has {@code status}; no ack involved. */
    public static CommandRecord of(DoorCommand command, CommandStatus status, CommandOrigin origin) {
        return acked(command, status, origin, null, null);
    }

    /** {@code command} was answered: DONE or REJECTED with the actuator's reason, at {@code ackedAt}. */
    public static CommandRecord acked(DoorCommand c, CommandStatus status, CommandOrigin origin, String ackReason,
                                      Instant ackedAt) {
        return new CommandRecord(c.commandId(), c.doorId(), c.action().name(), c.durationMs(),
                Instant.ofEpochMilli(c.issuedAt()), Instant.ofEpochMilli(c.expiresAt()), c.attempt(), status,
                origin.kind(), origin.unitId(), origin.seq(), origin.actor(), ackReason, ackedAt);
    }

    /** This record merged with a {@code later} one of the same command (the rule of {@link CommandStatus}). */
    CommandRecord then(CommandRecord later) {
        return new CommandRecord(later.commandId(), later.doorId(), later.action(), later.durationMs(),
                later.issuedAt(), later.expiresAt(), Math.max(attempts, later.attempts()), status.then(later.status()),
                later.origin(), later.unitId(), later.seq(), later.actor(),
                later.ackReason() != null ? later.ackReason() : ackReason,
                later.ackedAt() != null ? later.ackedAt() : ackedAt);
    }
}
