package io.maskgate.service.command;

/**
 * Why a command was issued: a unit's decision (unit + seq) or an operator (actor).
 *
 * @param kind DECISION or MANUAL
 */
public record CommandOrigin(String kind, String unitId, Long seq, String actor) {

    public static CommandOrigin decision(String unitId, long seq) {
        return new CommandOrigin("DECISION", unitId, seq, null);
    }

    public static CommandOrigin manual(String actor) {
        return new CommandOrigin("MANUAL", null, null, actor);
    }
}
