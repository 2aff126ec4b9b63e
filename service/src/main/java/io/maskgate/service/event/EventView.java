package io.maskgate.service.event;

import java.time.Instant;

/** An event-log row as the API returns it. */
public record EventView(long id, Instant occurredAt, EventKind kind, String outcome, String reason, String unitId,
                        String doorId, Long seq, String label, Integer score, Instant capturedAt, String commandId,
                        String actor, String detail) {
}
