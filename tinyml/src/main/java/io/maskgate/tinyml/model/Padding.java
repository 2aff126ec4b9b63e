package io.maskgate.tinyml.model;

/** Spatial padding scheme of convolutions and pools (schema enum Padding: SAME=0, VALID=1). */
public enum Padding {
    SAME, VALID
}
