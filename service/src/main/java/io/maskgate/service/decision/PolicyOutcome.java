package io.maskgate.service.decision;

/**
 * The door policy's verdict on one authenticated decision.
 *
 * @param verdict  GRANTED (send UNLOCK), DENIED, or MONITORED (MONITOR_ONLY: logged, never commanded)
 * @param reason   why, e.g. CONSISTENT_MASK, NO_MASK, LOW_SCORE, NOT_CONSISTENT, OUTSIDE_SCHEDULE
 * @param unlockMs unlock duration when granted
 */
public record PolicyOutcome(String verdict, String reason, int unlockMs) {

    public static final String GRANTED = "GRANTED";
    public static final String DENIED = "DENIED";
    public static final String MONITORED = "MONITORED";

    public static PolicyOutcome granted(String reason, int unlockMs) {
        return new PolicyOutcome(GRANTED, reason, unlockMs);
    }

    public static PolicyOutcome denied(String reason) {
        return new PolicyOutcome(DENIED, reason, 0);
    }

    public boolean unlock() {
        return GRANTED.equals(verdict);
    }
}
