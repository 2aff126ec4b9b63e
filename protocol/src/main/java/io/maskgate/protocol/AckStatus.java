package io.maskgate.protocol;

/** Outcome an actuator reports for a command: carried out, or refused (the door stays locked). */
public enum AckStatus {
    DONE, REJECTED
}
