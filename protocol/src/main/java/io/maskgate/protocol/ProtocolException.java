package io.maskgate.protocol;

/** A payload that cannot be accepted, with the counted reason and a human-readable detail. */
public final class ProtocolException extends Exception {

    private final RejectReason reason;

    public ProtocolException(RejectReason reason, String detail) {
        super(detail, null, false, false);
        this.reason = reason;
    }

    public RejectReason reason() {
        return reason;
    }

    public String detail() {
        return getMessage();
    }
}
