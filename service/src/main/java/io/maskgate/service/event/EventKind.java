package io.maskgate.service.event;

/** What an event-log row records. */
public enum EventKind {
    /** A decision message: ACCEPTED, or REJECTED with the protocol's reject reason. */
    DECISION,
    /** The door policy's verdict on an accepted decision: GRANTED, DENIED or MONITORED, with a reason. */
    VERDICT,
    /** A command sent to a door actuator (one row per attempt). */
    COMMAND,
    /** An actuator's ack: DONE, REJECTED, or INVALID (failed verification / unknown command). */
    ACK,
    /** Something needs attention, e.g. NO_ACK after the bounded retries. */
    ALERT,
    /** An operator's manual door command. */
    MANUAL
}
