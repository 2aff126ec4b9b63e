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
    OPEN
}
