package io.maskgate.protocol;

/** What the service asks a door actuator to do. */
public enum DoorAction {
    UNLOCK, LOCK
}
