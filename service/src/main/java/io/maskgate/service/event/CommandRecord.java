package io.maskgate.service.event;

import java.time.Instant;

/** Current state of one actuator command (upserted into door_commands by the writer). */
public record CommandRecord(String commandId, String doorId, String action, long durationMs, Instant issuedAt,
                            Instant expiresAt, int attempts, String status, String origin, String unitId, Long seq,
                            String actor, String ackReason, Instant ackedAt) implements EventWriter.Item {
}
