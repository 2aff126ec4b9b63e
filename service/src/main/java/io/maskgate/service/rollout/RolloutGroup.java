package io.maskgate.service.rollout;

import java.time.Instant;

/** One wave of a rollout (hawkBit's RolloutGroup): the canary is index 0. */
public record RolloutGroup(long id, long rolloutId, int idx, String name, GroupStatus status, Instant startedAt,
                           Instant deadlineAt, Instant finishedAt) {
}
