package io.maskgate.protocol;

/** Wire limits, checked before any parsing so a hostile payload costs almost nothing. */
public final class Limits {

    /** Schema version every message of this module carries in {@code v}. */
    public static final int SCHEMA_VERSION = 1;
    /** Max payload of decisions, commands, acks and status messages. */
    public static final int MAX_PAYLOAD_BYTES = 4096;
    /** Max payload of a frame upload (JPEG crop, base64). */
    public static final int MAX_FRAME_PAYLOAD_BYTES = 64 * 1024;
    /** Max score (per-mille mask probability). */
    public static final int MAX_SCORE = 1000;
    /** Max unlock duration and max command lifetime (expiresAt - issuedAt). */
    public static final long MAX_COMMAND_MS = 600_000;
    /** Max attempt number of a command (the service retries a bounded number of times). */
    public static final int MAX_ATTEMPT = 100;
    /** Max length of a free-text reason in an ack. */
    public static final int MAX_REASON_CHARS = 200;

    private Limits() {
    }

    static int maxPayloadFor(Class<?> type) {
        return type == FrameUpload.class ? MAX_FRAME_PAYLOAD_BYTES : MAX_PAYLOAD_BYTES;
    }
}
