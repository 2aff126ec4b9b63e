package io.maskgate.service.decision;

import io.maskgate.protocol.Decision;
import io.maskgate.protocol.Label;
import io.maskgate.service.config.MaskGateProperties;
import io.maskgate.service.door.DoorPolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Applies a door's policy to an authenticated decision. Fail-secure: anything not positively allowed is DENIED.
 * Per-door N-of-M state lives in memory (the door path never waits on the database). A decision captured longer
 * ago than the unlock freshness (default 2 s) never counts toward an unlock, in any mode: authentication allows
 * older decisions (a unit's offline buffer), but opening a door on them would let whoever stands there now in.
 */
@Component
public class PolicyEvaluator {

    /** Verdict reason of a decision too old to act on. */
    public static final String STALE_DECISION = "STALE_DECISION";

    private final ConcurrentMap<String, ConsistencyWindow> windows = new ConcurrentHashMap<>();
    private final long freshMillis;

    /** With the default freshness (2 s, no skew allowance). */
    public PolicyEvaluator() {
        this(MaskGateProperties.Decisions.DEFAULT_UNLOCK_MAX_AGE);
    }

    public PolicyEvaluator(Duration unlockFreshness) {
        this.freshMillis = unlockFreshness.toMillis();
    }

    @Autowired
    public PolicyEvaluator(MaskGateProperties properties) {
        this(properties.decisions().unlockFreshness());
    }

    /**
     * @param decision     authenticated decision
     * @param unitDoorId   the door the unit is registered at
     * @param policy       the policy of the decision's door, null when the door is unknown
     * @param now          evaluation time
     */
    public PolicyOutcome evaluate(Decision decision, String unitDoorId, DoorPolicy policy, Instant now) {
        if (policy == null) {
            return PolicyOutcome.denied("UNKNOWN_DOOR");
        }
        if (!decision.doorId().equals(unitDoorId)) {
            return PolicyOutcome.denied("UNIT_NOT_AT_DOOR");
        }
        long oldestFresh = now.toEpochMilli() - freshMillis;
        boolean fresh = decision.capturedAt() >= oldestFresh;
        boolean positive = fresh && decision.label() == Label.MASK && decision.score() >= policy.minScore();
        int consistent = windows.computeIfAbsent(decision.doorId(), id -> new ConsistencyWindow())
                .record(decision.capturedAt(), positive, policy.windowFrames(),
                        Math.max(oldestFresh, now.toEpochMilli() - policy.windowMs()));
        return switch (policy.mode()) {
            case LOCKED -> PolicyOutcome.denied("DOOR_LOCKED");
            case OPEN -> fresh ? PolicyOutcome.granted("OPEN_MODE", policy.unlockMs())
                    : PolicyOutcome.denied(STALE_DECISION);
            case ENFORCE, ENFORCE_VERIFIED -> enforce(decision, policy, fresh, positive, consistent, now);
            case MONITOR_ONLY -> {
                PolicyOutcome would = enforce(decision, policy, fresh, positive, consistent, now);
                yield new PolicyOutcome(PolicyOutcome.MONITORED, "WOULD_BE_" + would.verdict() + ":"
                        + would.reason(), 0);
            }
        };
    }

    private static PolicyOutcome enforce(Decision d, DoorPolicy policy, boolean fresh, boolean positive,
                                         int consistent, Instant now) {
        if (!fresh) {
            return PolicyOutcome.denied(STALE_DECISION);
        }
        if (policy.schedule() != null && !policy.schedule().allows(now)) {
            return PolicyOutcome.denied("OUTSIDE_SCHEDULE");
        }
        if (d.label() != Label.MASK) {
            return PolicyOutcome.denied("NO_MASK");
        }
        if (!positive) {
            return PolicyOutcome.denied("LOW_SCORE");
        }
        if (consistent < policy.requiredFrames()) {
            return PolicyOutcome.denied("NOT_CONSISTENT");
        }
        return PolicyOutcome.granted("CONSISTENT_MASK", policy.unlockMs());
    }

    /** Forgets a door's window (policy changed or door deleted). */
    public void reset(String doorId) {
        windows.remove(doorId);
    }
}
