package io.maskgate.protocol;

/**
 * Last accepted sequence number per unit, for replay protection. An interface so the service can back it by
 * memory plus its database (surviving restarts), while the agent and tests use {@link InMemorySequenceState}.
 */
public interface SequenceState {

    /** Highest accepted seq of {@code unitId}, 0 when none (sequences start at 1). */
    long lastSeq(String unitId);

    /**
     * Atomically records {@code seq} as the last accepted seq when it is greater than the current one.
     *
     * @return false when {@code seq} is not greater (a replay that raced past {@link #lastSeq})
     */
    boolean advance(String unitId, long seq);
}
