package io.maskgate.service.rollout;

import java.time.Instant;

/**
 * A rollout of model versions to a set of units (hawkBit's Rollout).
 *
 * @param kind          INSTALL (operator), ROLLBACK (undo of another rollout) or REVOKE (kill switch)
 * @param modelVersion  the version installed (ROLLBACK: null, each action names its own)
 * @param targetType    ALL, DOORS, TAGS or UNITS; {@code targetValues} comma-separated
 * @param disagreementThreshold percent of int8/float disagreement on its version's re-verified frames that pauses
 *                      it (INSTALL rollouts only; see {@link DisagreementRule})
 * @param disagreementMinFrames re-verified frames needed before that rate counts
 */
public record Rollout(long id, String name, String kind, String modelVersion, RolloutStatus status, String targetType,
                      String targetValues, int successThreshold, int errorThreshold, int ratePerMinute,
                      long actionDeadlineMs, long groupDeadlineMs, boolean requiresApproval, String approvedBy,
                      String createdBy, Instant createdAt, String statusReason, Long rollbackOf,
                      int disagreementThreshold, int disagreementMinFrames) {

    /** The rule that pauses this rollout on int8/float disagreement. */
    public DisagreementRule disagreementRule() {
        return new DisagreementRule(disagreementThreshold, disagreementMinFrames);
    }
}
