package io.maskgate.protocol;

/**
 * Why a message was refused. The names are part of the wire contract (test vectors, ack reasons, metrics tags),
 * so they are only ever added to, never renamed.
 */
public enum RejectReason {
    /** Not JSON, not an object, a field missing, extra, of the wrong type or out of range. */
    MALFORMED,
    /** Payload larger than the limit for its topic; checked before parsing. */
    OVERSIZE,
    /** {@code v} is an integer but not a supported schema version. */
    UNKNOWN_SCHEMA,
    /** No key is registered for the unit. */
    UNKNOWN_UNIT,
    /** The unit is registered but disabled. */
    UNIT_DISABLED,
    /** The HMAC does not match the canonical form under the registered key. */
    BAD_SIGNATURE,
    /** The topic is not the one this message belongs on (e.g. a unit publishing under another unit's topic). */
    TOPIC_MISMATCH,
    /** Sequence number not above the last accepted one, or a command id already executed. */
    REPLAY,
    /** Timestamp older than the allowed age. */
    STALE,
    /** Timestamp too far in the future (clock skew beyond the allowance). */
    FUTURE,
    /** Actuator: the command's expiry has passed. */
    EXPIRED,
    /** Actuator: the command names another door. */
    WRONG_DOOR,
    /** Ack verification: no key is registered for the door. */
    UNKNOWN_DOOR,
    /** Frame upload: the service holds no decision of this unit with the frame's seq (never made, or too old). */
    UNKNOWN_DECISION,
    /** Frame upload: the held decision with this seq names another door or another score than the frame. */
    FRAME_MISMATCH
}
