package io.maskgate.service.door;

/**
 * A door's access policy.
 *
 * @param mode           ENFORCE / MONITOR_ONLY / LOCKED / OPEN
 * @param minScore       minimum mask score (per-mille) for a MASK decision to count as positive
 * @param requiredFrames N: positive decisions needed ...
 * @param windowFrames   ... among the last M decisions for the door
 * @param windowMs       decisions older than this no longer count (stale evidence never unlocks)
 * @param unlockMs       how long an UNLOCK keeps the door open
 * @param schedule       optional: outside it decisions never unlock; null = always
 */
public record DoorPolicy(PolicyMode mode, int minScore, int requiredFrames, int windowFrames, int windowMs,
                         int unlockMs, Schedule schedule) {

    /** The policy a new door gets: enforce, score >= 700, 1 of 1, 3 s unlock. */
    public static final DoorPolicy DEFAULT = new DoorPolicy(PolicyMode.ENFORCE, 700, 1, 1, 5_000, 3_000, null);

    public DoorPolicy {
        if (mode == null) {
            throw new IllegalArgumentException("mode is required");
        }
        if (minScore < 0 || minScore > 1000) {
            throw new IllegalArgumentException("minScore must be 0..1000");
        }
        if (requiredFrames < 1 || windowFrames < requiredFrames || windowFrames > 100) {
            throw new IllegalArgumentException("need 1 <= requiredFrames <= windowFrames <= 100");
        }
        if (windowMs <= 0) {
            throw new IllegalArgumentException("windowMs must be positive");
        }
        if (unlockMs < 1 || unlockMs > 600_000) {
            throw new IllegalArgumentException("unlockMs must be 1..600000");
        }
    }
}
