package io.maskgate.service.door;

/** How a door treats authenticated decisions. */
public enum PolicyMode {
    /** Unlock only on consistent, confident MASK decisions within the schedule. */
    ENFORCE,
    /** Evaluate and log what ENFORCE would do, never command the door. */
    MONITOR_ONLY,
    /** Never unlock on decisions (manual operator commands still work). */
    LOCKED,
    /** Free passage: every authenticated decision unlocks. */
    OPEN,
    /**
     * Like ENFORCE, but a decision whose score is inside the door's uncertainty band waits (up to the door's
     * deadline) for the service's float re-verification of the unit's crop, and the float verdict decides; a
     * late or missing verdict leaves the door locked. Decisions outside the band take the ENFORCE path.
     */
    ENFORCE_VERIFIED
}
