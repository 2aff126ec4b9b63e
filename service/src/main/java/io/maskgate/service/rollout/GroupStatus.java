package io.maskgate.service.rollout;

import java.util.Set;

/** Lifecycle of a {@link RolloutGroup}; the enum owns its transitions. */
public enum GroupStatus {
    /** Waits for the previous group to reach its success threshold. */
    SCHEDULED,
    /** Its units get their actions. */
    RUNNING,
    /** Reached the success threshold: the next group may start (its stragglers still run). */
    FINISHED,
    /** Reached the error threshold: the rollout paused here. */
    ERROR,
    CANCELED,
    ROLLED_BACK;

    public Set<GroupStatus> next() {
        return switch (this) {
            case SCHEDULED -> Set.of(RUNNING, CANCELED);
            case RUNNING -> Set.of(FINISHED, ERROR, CANCELED, ROLLED_BACK);
            case ERROR -> Set.of(RUNNING, CANCELED, ROLLED_BACK);
            case FINISHED -> Set.of(ROLLED_BACK);
            case CANCELED -> Set.of(ROLLED_BACK);
            case ROLLED_BACK -> Set.of();
        };
    }

    public GroupStatus moveTo(GroupStatus target) {
        if (!next().contains(target)) {
            throw new IllegalStateException("a " + this + " group cannot become " + target);
        }
        return target;
    }

    /** Started and not stopped: its actions are dispatched and timed. */
    public boolean active() {
        return this == RUNNING || this == FINISHED;
    }
}
