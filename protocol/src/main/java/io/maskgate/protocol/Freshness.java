package io.maskgate.protocol;

import java.time.Duration;

/**
 * How far a message timestamp may lie from the verifier's clock: older than {@code maxAge} is STALE, more than
 * {@code maxAhead} in the future is FUTURE. Separate bounds because a unit's offline buffer legitimately
 * delivers old decisions, while a timestamp from the future only comes from a wrong clock or a forgery.
 *
 * @param maxAge   how old a timestamp may be
 * @param maxAhead how far ahead of the local clock a timestamp may be
 */
public record Freshness(Duration maxAge, Duration maxAhead) {

    public Freshness {
        Checks.notNull("maxAge", maxAge);
        Checks.notNull("maxAhead", maxAhead);
        if (maxAge.isNegative() || maxAhead.isNegative()) {
            throw new IllegalArgumentException("freshness bounds must not be negative");
        }
    }

    /** The same allowance both ways. */
    public static Freshness symmetric(Duration skew) {
        return new Freshness(skew, skew);
    }

    /** Null when {@code timestamp} is acceptable at {@code now}, else STALE or FUTURE. */
    RejectReason check(long timestamp, long now) {
        if (timestamp < now - maxAge.toMillis()) {
            return RejectReason.STALE;
        }
        if (timestamp > now + maxAhead.toMillis()) {
            return RejectReason.FUTURE;
        }
        return null;
    }
}
