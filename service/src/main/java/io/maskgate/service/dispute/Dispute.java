package io.maskgate.service.dispute;

import java.time.Instant;

/**
 * An operator's dispute of one decision: what the unit said (int8), what the float model says about the kept crop
 * (PENDING, VERIFIED, NO_FRAME: no crop was kept, UNVERIFIED: the float model could not run), and the human
 * verdict that settles it (MASK, NO_MASK or UNCLEAR, with who and when).
 */
public record Dispute(long id, String unitId, long seq, String doorId, String int8Label, Integer int8Score,
                      String modelVersion, String openedBy, Instant openedAt, String note, String floatStatus,
                      Double floatProbability, String floatLabel, String floatReason, String humanVerdict,
                      String settledBy, Instant settledAt, Instant frameExpiresAt) {

    public boolean open() {
        return humanVerdict == null;
    }
}
