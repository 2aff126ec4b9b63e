package io.maskgate.service.command;

import java.time.Instant;

/**
 * Why a command was issued: a unit's decision (unit + seq) or an operator (actor).
 *
 * @param kind  DECISION or MANUAL
 * @param since when the cause was logged (the decision's or the operator's event time): the command's own events
 *              are never stamped earlier, so the log reads cause before effect
 */
public record CommandOrigin(String kind, String unitId, Long seq, String actor, Instant since) {

    public static CommandOrigin decision(String unitId, long seq, Instant decidedAt) {
        return new CommandOrigin("DECISION", unitId, seq, null, decidedAt);
    }

    public static CommandOrigin manual(String actor, Instant requestedAt) {
        return new CommandOrigin("MANUAL", null, null, actor, requestedAt);
    }
}
