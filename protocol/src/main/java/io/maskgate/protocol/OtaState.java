package io.maskgate.protocol;

/**
 * What a unit reports about one OTA action ({@link OtaReport#state()}). The names are wire contract (the service
 * counts them, the firmware mirrors them): only ever added to.
 */
public enum OtaState {
    /** The unit accepted the offer (signature, unit id, expiry checked) and will download. */
    OFFERED,
    /** Bytes are arriving into the inactive slot; {@code bytes} says how many are good so far. */
    DOWNLOADING,
    /** The whole file is in the inactive slot and its SHA-256 and the manifest's fleet signature match. */
    VERIFIED,
    /** The slot is active: the next frame runs the new model. */
    ACTIVATED,
    /** The manifest's self-test vectors gave exactly the expected int8 outputs on the active model: success. */
    SELF_TEST_PASSED,
    /** The action failed ({@code reason} says why); the unit kept or went back to its previous working model. */
    FAILED,
    /** The unit went back to its previous slot by itself (self-test failure, restarts after activation, cancel). */
    ROLLED_BACK;

    /** States after which the unit sends nothing more for the action. */
    public boolean terminal() {
        return this == SELF_TEST_PASSED || this == FAILED || this == ROLLED_BACK;
    }
}
