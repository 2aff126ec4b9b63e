package io.maskgate.service.console.live;

import java.time.Instant;

/** The columns of an event-log row that the live page needs. */
public record LiveEvent(long id, Instant at, String kind, String outcome, String reason, String unitId,
                        String doorId, String label, Integer score, String commandId, String detail) {
}
