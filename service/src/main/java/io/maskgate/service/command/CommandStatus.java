package io.maskgate.service.command;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * Where an actuator command stands. The one place that knows the transitions:
 * SENT -> RESENT (no ack within the timeout, sent again) -> DONE / REJECTED (the actuator's ack) / NO_ACK (no ack
 * after the last attempt) / SUPERSEDED (an UNLOCK whose retries a later LOCK of the same door cancelled).
 * A final status is never left, whatever arrives later (a late timer after the ack, a re-send record after the
 * ack); the event writer merges records of one batch with {@link #then} and the database upsert uses
 * {@link #sqlThen}, generated from the same rule.
 */
public enum CommandStatus {
    SENT(false),
    RESENT(false),
    DONE(true),
    REJECTED(true),
    NO_ACK(true),
    SUPERSEDED(true);

    private final boolean terminal;

    CommandStatus(boolean terminal) {
        this.terminal = terminal;
    }

    /** DONE, REJECTED, NO_ACK, SUPERSEDED: nothing changes the status any more. */
    public boolean isFinal() {
        return terminal;
    }

    /** Whether this status may be followed by {@code next} (a repeat of the same status included). */
    public boolean canMoveTo(CommandStatus next) {
        if (terminal) {
            return next == this;
        }
        return next != SENT || this == SENT;
    }

    /** The status after {@code next} is reported: {@code next} when allowed, otherwise this one stays. */
    public CommandStatus then(CommandStatus next) {
        return canMoveTo(next) ? next : this;
    }

    /**
     * SQL for {@link #then} in an upsert: {@code current} and {@code next} are the column expressions of the
     * stored and the incoming status.
     */
    public static String sqlThen(String current, String next) {
        String open = Arrays.stream(values()).filter(s -> !s.terminal).map(s -> "'" + s.name() + "'")
                .collect(Collectors.joining(", "));
        return "CASE WHEN " + current + " IN (" + open + ") AND NOT (" + next + " = 'SENT' AND " + current
                + " <> 'SENT') THEN " + next + " ELSE " + current + " END";
    }
}
