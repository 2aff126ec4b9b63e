package io.maskgate.service.event;

import io.maskgate.protocol.Ids;
import io.maskgate.service.web.FieldException;
import java.time.Instant;
import java.util.Set;
import java.util.TreeSet;

/**
 * Filters of an events query; every field is optional. Door and unit filters obey the id rules and the outcome
 * must be one the service writes, so a typo is a 400 naming the parameter instead of an empty page.
 */
public record EventQuery(String doorId, String unitId, Instant from, Instant to, String outcome, EventKind kind) {

    /** Every outcome the service writes into the event log (by kind: see {@link EventKind}). */
    public static final Set<String> OUTCOMES = Set.of(
            "ACCEPTED", "REJECTED",                                  // DECISION
            "GRANTED", "DENIED", "MONITORED",                        // VERDICT
            "SENT", "RESENT", "SEND_FAILED", "SUPERSEDED",           // COMMAND
            "DONE", "INVALID", "UNMATCHED",                          // ACK (REJECTED as above)
            "NO_ACK", "COMMAND_NOT_SENT", "ACTUATOR_REJECTED",       // ALERT
            "FIRE_RELEASE", "FIRE_RELEASE_CLEARED", "FIRE_ALARM_REFUSED", // ALERT (life safety)
            "UNLOCK", "LOCK");                                       // MANUAL

    public EventQuery {
        doorId = blankToNull(doorId);
        unitId = blankToNull(unitId);
        outcome = blankToNull(outcome);
        if (doorId != null && !Ids.isValid(doorId)) {
            throw new FieldException("door", "door must match [A-Za-z0-9_-]{1,64}");
        }
        if (unitId != null && !Ids.isValid(unitId)) {
            throw new FieldException("unit", "unit must match [A-Za-z0-9_-]{1,64}");
        }
        if (outcome != null && !OUTCOMES.contains(outcome)) {
            throw new FieldException("outcome", "outcome must be one of " + new TreeSet<>(OUTCOMES));
        }
        if (from != null && to != null && !from.isBefore(to)) {
            throw new FieldException("to", "to must be after from");
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
