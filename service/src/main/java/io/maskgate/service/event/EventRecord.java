package io.maskgate.service.event;

import java.time.Instant;

/**
 * One row of the append-only event log, as queued for the writer.
 *
 * @param idempotent true for authenticated decisions: stored at most once per (unitId, seq)
 */
public record EventRecord(Instant occurredAt, EventKind kind, String outcome, String reason, String unitId,
                          String doorId, Long seq, String label, Integer score, Instant capturedAt, String commandId,
                          String actor, String detail, boolean idempotent) implements EventWriter.Item {

    /** A non-decision event (verdict, command, ack, alert, manual). */
    public static EventRecord of(Instant at, EventKind kind, String outcome, String reason, String unitId,
                                 String doorId, Long seq, String commandId, String actor, String detail) {
        return new EventRecord(at, kind, outcome, reason, unitId, doorId, seq, null, null, null, commandId, actor,
                detail, false);
    }
}
