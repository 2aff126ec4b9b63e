package io.maskgate.service.rollout;

import java.util.Set;

/** Lifecycle of a {@link Rollout} (hawkBit's names where they exist); the enum owns its transitions. */
public enum RolloutStatus {
    /** Created with approval required; a second admin must approve it. */
    WAITING_FOR_APPROVAL,
    /** Approved or needing no approval; waits for a manual start. */
    READY,
    /** Groups start one after another; units get their actions. */
    RUNNING,
    /** Stopped by an operator or by an error threshold; nothing new is sent until resumed. */
    PAUSED,
    /** Every group finished. */
    FINISHED,
    /** Stopped for good; units still in progress were told to cancel. */
    CANCELED,
    /** Undone: a rollback rollout took its units back to their previous models. */
    ROLLED_BACK;

    public Set<RolloutStatus> next() {
        return switch (this) {
            case WAITING_FOR_APPROVAL -> Set.of(READY, CANCELED);
            case READY -> Set.of(RUNNING, CANCELED);
            case RUNNING -> Set.of(PAUSED, FINISHED, CANCELED, ROLLED_BACK);
            case PAUSED -> Set.of(RUNNING, CANCELED, ROLLED_BACK);
            case FINISHED, CANCELED -> Set.of(ROLLED_BACK);
            case ROLLED_BACK -> Set.of();
        };
    }

    /** {@code target}, or IllegalArgumentException-free refusal: {@link IllegalStateException} naming the move. */
    public RolloutStatus moveTo(RolloutStatus target) {
        if (!next().contains(target)) {
            throw new IllegalStateException("a " + this + " rollout cannot become " + target);
        }
        return target;
    }
}
