package io.maskgate.protocol;

/** What a door unit saw: a face with a mask or without one. */
public enum Label {
    MASK, NO_MASK
}
