package io.maskgate.service.event;

import io.maskgate.protocol.Decision;
import io.maskgate.protocol.DoorCommand;
import io.maskgate.protocol.RejectReason;
import io.maskgate.service.command.CommandOrigin;
import java.time.Instant;

/**
 * One row of the append-only event log, as queued for the writer. Built through the named factories below
 * (one per kind of row), so a call site says what it logs instead of passing fifteen positional values.
 *
 * @param idempotent   true for authenticated decisions: stored at most once per (unitId, seq)
 * @param modelVersion the model version of an authenticated decision (column model_version), else null
 */
public record EventRecord(Instant occurredAt, EventKind kind, String outcome, String reason, String unitId,
                          String doorId, Long seq, String label, Integer score, Instant capturedAt, String commandId,
                          String actor, String detail, boolean idempotent, String modelVersion)
        implements EventWriter.Item {

    /** Without a model version (rows other than authenticated decisions). */
    public EventRecord(Instant occurredAt, EventKind kind, String outcome, String reason, String unitId,
                       String doorId, Long seq, String label, Integer score, Instant capturedAt, String commandId,
                       String actor, String detail, boolean idempotent) {
        this(occurredAt, kind, outcome, reason, unitId, doorId, seq, label, score, capturedAt, commandId, actor,
                detail, idempotent, null);
    }

    /** A non-decision event (verdict, command, ack, alert, manual). */
    public static EventRecord of(Instant at, EventKind kind, String outcome, String reason, String unitId,
                                 String doorId, Long seq, String commandId, String actor, String detail) {
        return new EventRecord(at, kind, outcome, reason, unitId, doorId, seq, null, null, null, commandId, actor,
                detail, false, null);
    }

    /** An authenticated decision the service accepted; stored once per (unit, seq). */
    public static EventRecord decisionAccepted(Instant at, Decision d) {
        return new EventRecord(at, EventKind.DECISION, "ACCEPTED", null, d.unitId(), d.doorId(), d.seq(),
                d.label().name(), d.score(), Instant.ofEpochMilli(d.capturedAt()), null, null, null, true,
                d.modelVersion());
    }

    /**
     * A refused decision. {@code claimed} is what the message said (null when it could not be parsed);
     * {@code authenticated} (REPLAY, STALE, FUTURE of a correctly signed message) makes it idempotent on
     * (unit, seq) and lets its model version be trusted.
     */
    public static EventRecord decisionRejected(Instant at, RejectReason reason, String unitId, Decision claimed,
                                               boolean authenticated, String detail) {
        if (claimed == null) {
            return new EventRecord(at, EventKind.DECISION, "REJECTED", reason.name(), unitId, null, null, null, null,
                    null, null, null, detail, false, null);
        }
        return new EventRecord(at, EventKind.DECISION, "REJECTED", reason.name(), unitId, claimed.doorId(),
                claimed.seq(), claimed.label().name(), claimed.score(), plausible(claimed.capturedAt()), null, null,
                detail, authenticated, authenticated ? claimed.modelVersion() : null);
    }

    /** The door policy's verdict on decision {@code d}; {@code commandId} of the UNLOCK it caused, if any. */
    public static EventRecord verdict(Instant at, Decision d, String verdict, String reason, String commandId) {
        return of(at, EventKind.VERDICT, verdict, reason, d.unitId(), d.doorId(), d.seq(), commandId, null, null);
    }

    /** One attempt of a command: SENT, RESENT, SEND_FAILED or SUPERSEDED. */
    public static EventRecord command(Instant at, String outcome, DoorCommand c, CommandOrigin origin,
                                      String detail) {
        return of(at, EventKind.COMMAND, outcome, c.action().name(), origin.unitId(), c.doorId(), origin.seq(),
                c.commandId(), origin.actor(), detail);
    }

    /** Something that needs attention (NO_ACK, ACTUATOR_REJECTED, COMMAND_NOT_SENT). */
    public static EventRecord alert(Instant at, String outcome, String reason, String doorId, String commandId,
                                    CommandOrigin origin, String detail) {
        return of(at, EventKind.ALERT, outcome, reason, origin.unitId(), doorId, origin.seq(), commandId,
                origin.actor(), detail);
    }

    /** Capture times beyond what the database stores (a forged FUTURE) are logged as null. */
    private static Instant plausible(long epochMillis) {
        return epochMillis >= 0 && epochMillis < 253_402_300_799_000L ? Instant.ofEpochMilli(epochMillis) : null;
    }
}
