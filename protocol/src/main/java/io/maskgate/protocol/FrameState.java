package io.maskgate.protocol;

import java.util.Optional;

/**
 * What a frame verifier needs to know about the decisions a service holds: the decision a frame claims to
 * belong to, and whether that decision's frame already arrived. Implementations must make {@link #claim}
 * atomic, so a frame is taken once even when delivered twice at the same time.
 */
public interface FrameState {

    /** A decision held for re-verification: the door it was for and the unit's per-mille score. */
    record HeldDecision(String doorId, int score) {
    }

    /** The held decision (unitId, seq), if this service holds it. */
    Optional<HeldDecision> held(String unitId, long seq);

    /** Records that the frame of (unitId, seq) arrived; false when it had already. */
    boolean claim(String unitId, long seq);
}
