package io.maskgate.protocol;

/**
 * Result of verifying one payload: accepted with the message, or rejected with a reason and detail.
 * On rejection {@code message} is the parsed message when parsing got that far (useful for logging the
 * claimed unit and seq) and null otherwise; it is authenticated only when {@link #authenticated()} is true.
 *
 * @param message the parsed message (always set when accepted)
 * @param reason  null when accepted
 * @param detail  human-readable explanation, never containing key material
 * @param <T>     message type
 */
public record Verdict<T>(T message, RejectReason reason, String detail) {

    public static <T> Verdict<T> accept(T message) {
        return new Verdict<>(message, null, "accepted");
    }

    public static <T> Verdict<T> reject(RejectReason reason, String detail) {
        return new Verdict<>(null, reason, detail);
    }

    public static <T> Verdict<T> reject(RejectReason reason, String detail, T parsed) {
        return new Verdict<>(parsed, reason, detail);
    }

    public boolean accepted() {
        return reason == null;
    }

    /** True when the signature was checked and valid (accepted, or rejected only for timing/replay/expiry). */
    public boolean authenticated() {
        return reason == null || switch (reason) {
            case REPLAY, STALE, FUTURE, EXPIRED, UNKNOWN_DECISION, FRAME_MISMATCH -> message != null;
            default -> false;
        };
    }
}
