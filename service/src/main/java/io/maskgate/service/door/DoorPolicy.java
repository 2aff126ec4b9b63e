package io.maskgate.service.door;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

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

    /** The shape of a new door's policy: enforce, 1 of 1, 5 s window, 3 s unlock; the score from configuration. */
    public static DoorPolicy withMinScore(int minScore) {
        return new DoorPolicy(PolicyMode.ENFORCE, minScore, 1, 1, 5_000, 3_000, null);
    }

    public DoorPolicy {
        Map<String, String> problems = problems(mode, minScore, requiredFrames, windowFrames, windowMs, unlockMs);
        if (!problems.isEmpty()) {
            throw new InvalidPolicyException(problems);
        }
    }

    /**
     * What is wrong with these values, per field (empty when they make a valid policy). The API answers with this
     * map as problem+json and the console shows each message next to its field.
     */
    public static Map<String, String> problems(PolicyMode mode, int minScore, int requiredFrames, int windowFrames,
                                               int windowMs, int unlockMs) {
        Map<String, String> p = new LinkedHashMap<>();
        if (mode == null) {
            p.put("mode", "mode is required (one of " + Arrays.toString(PolicyMode.values()) + ")");
        }
        if (minScore < 0 || minScore > 1000) {
            p.put("minScore", "minScore must be 0..1000 (per-mille), was " + minScore);
        }
        if (requiredFrames < 1) {
            p.put("requiredFrames", "requiredFrames (N) must be at least 1, was " + requiredFrames);
        }
        if (windowFrames > 100) {
            p.put("windowFrames", "windowFrames (M) must be at most 100, was " + windowFrames);
        } else if (windowFrames < requiredFrames) {
            p.put("windowFrames", "windowFrames (M) must be at least requiredFrames (N = " + requiredFrames
                    + "), was " + windowFrames);
        }
        if (windowMs <= 0) {
            p.put("windowMs", "windowMs must be positive, was " + windowMs);
        }
        if (unlockMs < 1 || unlockMs > 600_000) {
            p.put("unlockMs", "unlockMs must be 1..600000, was " + unlockMs);
        }
        return p;
    }

    /** A policy refused because of one or more field values; {@link #fields()} maps each field to its message. */
    public static final class InvalidPolicyException extends IllegalArgumentException {

        private final Map<String, String> fields;

        public InvalidPolicyException(Map<String, String> fields) {
            super(String.join("; ", fields.values()));
            this.fields = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(fields));
        }

        public Map<String, String> fields() {
            return fields;
        }
    }
}
