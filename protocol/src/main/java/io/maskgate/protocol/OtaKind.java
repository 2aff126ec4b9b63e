package io.maskgate.protocol;

/** What an {@link OtaCommand} asks of a unit. */
public enum OtaKind {
    /** Download (unless the inactive slot already holds it), verify, activate and self-test the manifest's model. */
    INSTALL,
    /** Stop the action: discard a download in progress; a model not yet activated is never activated. */
    CANCEL
}
