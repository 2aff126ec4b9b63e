package io.maskgate.service.event;

import java.time.Instant;

/**
 * An event-log row as the API returns it.
 *
 * @param modelVersion the model version an authenticated decision was made with (decisions only)
 */
public record EventView(long id, Instant occurredAt, EventKind kind, String outcome, String reason, String unitId,
                        String doorId, Long seq, String label, Integer score, Instant capturedAt, String commandId,
                        String actor, String detail, String modelVersion) {
}
