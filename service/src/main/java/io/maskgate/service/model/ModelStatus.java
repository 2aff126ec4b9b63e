package io.maskgate.service.model;

import java.util.Set;

/**
 * Lifecycle of a registered model version; the enum owns its transitions. REFUSED (failed the gate) and REVOKED
 * are final: neither can ever be rolled out again.
 */
public enum ModelStatus {
    /** Passed the gate; may be rolled out. */
    READY,
    /** Failed the gate; kept with its report, never rolled out. */
    REFUSED,
    /** No new rollouts (units keep running it); may be made READY again. */
    RETIRED,
    /** Kill switch: every unit running it is rolled back to the newest READY version. */
    REVOKED;

    public Set<ModelStatus> next() {
        return switch (this) {
            case READY -> Set.of(RETIRED, REVOKED);
            case RETIRED -> Set.of(READY, REVOKED);
            case REFUSED, REVOKED -> Set.of();
        };
    }

    /** This status moved to {@code target}, or IllegalStateException naming the refused move. */
    public ModelStatus moveTo(ModelStatus target) {
        if (!next().contains(target)) {
            throw new IllegalStateException("a " + this + " model cannot become " + target);
        }
        return target;
    }

    public boolean deployable() {
        return this == READY;
    }
}
