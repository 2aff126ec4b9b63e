package io.maskgate.service.rollout;

import java.time.Instant;

/**
 * One unit's part in a rollout (hawkBit's Action).
 *
 * @param bytesSent  model bytes the service sent for it (more than the size means chunks were sent again)
 */
public record Action(String actionId, long rolloutId, long groupId, String unitId, String version,
                     String previousVersion, ActionStatus status, String reason, long bytes, long bytesSent,
                     int arenaBytes, Instant sentAt, Instant stateSince) {
}
