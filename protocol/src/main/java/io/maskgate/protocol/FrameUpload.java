package io.maskgate.protocol;

import java.util.regex.Pattern;

/**
 * Reserved: a small JPEG face crop sent when the score falls in the uncertainty band, so the service can
 * re-verify. Signed like a decision and tied to it by (unitId, seq). Payload limit 64 KiB.
 *
 * @param v          schema version
 * @param unitId     the publishing unit
 * @param doorId     the door
 * @param seq        the seq of the decision this crop belongs to
 * @param capturedAt capture time, epoch ms
 * @param jpegBase64 the JPEG bytes, standard base64 with padding
 * @param score      the unit's per-mille mask score for this crop
 * @param sig        lowercase hex HMAC-SHA256 of {@link #canonical()} with the unit's key
 */
public record FrameUpload(int v, String unitId, String doorId, long seq, long capturedAt, String jpegBase64,
                          int score, String sig) implements SignedMessage<FrameUpload> {

    public static final String TYPE = "frame";
    private static final Pattern BASE64 = Pattern.compile("[A-Za-z0-9+/]*={0,2}");

    public FrameUpload {
        Checks.version(v);
        Ids.require("unitId", unitId);
        Ids.require("doorId", doorId);
        Checks.range("seq", seq, 1, Long.MAX_VALUE);
        Checks.range("capturedAt", capturedAt, 0, Long.MAX_VALUE);
        Checks.notNull("jpegBase64", jpegBase64);
        if (jpegBase64.isEmpty() || jpegBase64.length() > Limits.MAX_FRAME_PAYLOAD_BYTES
                || jpegBase64.length() % 4 != 0 || !BASE64.matcher(jpegBase64).matches()) {
            throw new IllegalArgumentException("jpegBase64 must be non-empty padded standard base64");
        }
        Checks.range("score", score, 0, Limits.MAX_SCORE);
        Checks.sig(sig);
    }

    public static FrameUpload unsigned(String unitId, String doorId, long seq, long capturedAt, String jpegBase64,
                                       int score) {
        return new FrameUpload(Limits.SCHEMA_VERSION, unitId, doorId, seq, capturedAt, jpegBase64, score, null);
    }

    @Override
    public String canonical() {
        return Canonical.of(TYPE, v, unitId, doorId, seq, capturedAt, jpegBase64, score);
    }

    @Override
    public FrameUpload withSig(String newSig) {
        return new FrameUpload(v, unitId, doorId, seq, capturedAt, jpegBase64, score, newSig);
    }
}
