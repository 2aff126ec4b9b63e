package io.maskgate.service.rollout;

import io.maskgate.protocol.OtaState;

/**
 * One unit's {@link Action} as the service sees it. Moves forward with the unit's reports ({@link #on}); a unit
 * stuck in one state past its deadline becomes TIMED_OUT, never "in progress" forever. Terminal states never
 * change again (a late report is recorded as an event only).
 */
public enum ActionStatus {
    /** Waiting for its group, the rate limit or the unit to come online. */
    SCHEDULED(0),
    /** The OTA command was sent (and, once reported, accepted by the unit). */
    OFFERED(1),
    DOWNLOADING(2),
    VERIFIED(3),
    ACTIVATED(4),
    /** The unit proved the model runs: self-test vectors matched exactly. */
    SUCCEEDED(5),
    FAILED(5),
    /** The unit went back to its previous model by itself. */
    ROLLED_BACK(5),
    TIMED_OUT(5),
    CANCELED(5);

    private final int rank;

    ActionStatus(int rank) {
        this.rank = rank;
    }

    public boolean terminal() {
        return rank == 5;
    }

    /** Counts against the error threshold. */
    public boolean error() {
        return this == FAILED || this == ROLLED_BACK || this == TIMED_OUT;
    }

    /** The status after the unit reported {@code state}; unchanged when it would move backwards or is terminal. */
    public ActionStatus on(OtaState state) {
        if (terminal()) {
            return this;
        }
        ActionStatus target = switch (state) {
            case OFFERED -> OFFERED;
            case DOWNLOADING -> DOWNLOADING;
            case VERIFIED -> VERIFIED;
            case ACTIVATED -> ACTIVATED;
            case SELF_TEST_PASSED -> SUCCEEDED;
            case FAILED -> FAILED;
            case ROLLED_BACK -> ROLLED_BACK;
        };
        return target.rank >= rank ? target : this;
    }

    /** The deadline or an operator ended it. */
    public ActionStatus stop(ActionStatus target) {
        if (terminal() || !(target == TIMED_OUT || target == CANCELED)) {
            throw new IllegalStateException("a " + this + " action cannot become " + target);
        }
        return target;
    }
}
