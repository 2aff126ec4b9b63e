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

    /** Max size of a model file an OTA action may deliver (the firmware's own budget is lower, see the gate). */
    public static final long MAX_MODEL_BYTES = 4L * 1024 * 1024;
    /** Chunk sizes a unit may be told to request. */
    public static final int MIN_CHUNK_BYTES = 1024;
    public static final int MAX_CHUNK_BYTES = 32 * 1024;
    /** Max JSON text of a signed manifest (self-test vectors included). */
    public static final int MAX_MANIFEST_BYTES = 8 * 1024;
    /** Max payload of an OTA command (it carries the manifest). */
    public static final int MAX_OTA_COMMAND_BYTES = 12 * 1024;
    /** Max payload of an OTA chunk: base64 of the largest chunk plus the other fields. */
    public static final int MAX_OTA_CHUNK_BYTES = (MAX_CHUNK_BYTES + 2) / 3 * 4 + 1024;

    private Limits() {
    }

    static int maxPayloadFor(Class<?> type) {
        if (type == FrameUpload.class) {
            return MAX_FRAME_PAYLOAD_BYTES;
        }
        if (type == OtaChunk.class) {
            return MAX_OTA_CHUNK_BYTES;
        }
        if (type == OtaCommand.class) {
            return MAX_OTA_COMMAND_BYTES;
        }
        if (type == ModelManifest.class) {
            return MAX_MANIFEST_BYTES;
        }
        return MAX_PAYLOAD_BYTES;
    }
}
