package io.maskgate.agent;

import io.maskgate.protocol.Ids;

/**
 * Tuning of one door unit.
 *
 * @param unitId        the unit id (registered with the service)
 * @param doorId        the door it watches
 * @param n             N of the N-of-M smoothing
 * @param m             M of the N-of-M smoothing
 * @param threshold     per-mille score at or above which a frame counts as MASK
 * @param repeatMs      an unchanged smoothed label is re-published at most this often
 * @param bandLow       lower per-mille bound of the uncertainty band (inclusive); frame crops in the band are
 *                      uploaded for re-verification
 * @param bandHigh      upper bound (inclusive); bandLow > bandHigh disables uploads
 * @param statusEveryMs retained status period
 */
public record UnitSettings(String unitId, String doorId, int n, int m, int threshold, long repeatMs, int bandLow,
                           int bandHigh, long statusEveryMs) {

    public UnitSettings {
        Ids.require("unitId", unitId);
        Ids.require("doorId", doorId);
        if (repeatMs < 0 || statusEveryMs < 1) {
            throw new IllegalArgumentException("repeatMs must be >= 0 and statusEveryMs >= 1");
        }
    }

    public static UnitSettings defaults(String unitId, String doorId) {
        return new UnitSettings(unitId, doorId, 3, 5, 500, 1000, 400, 600, 5000);
    }
}
