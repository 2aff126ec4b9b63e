package io.maskgate.protocol;

/**
 * A door unit's signed verdict on one captured frame (after its own N-of-M smoothing). Published on
 * {@link Topics#decision(String)} with QoS 1.
 *
 * @param v            schema version, {@link Limits#SCHEMA_VERSION}
 * @param unitId       the publishing unit; must equal the unit id in the topic
 * @param doorId       the door the unit watches
 * @param seq          per-unit sequence number, starts at 1, strictly increasing (replay protection)
 * @param capturedAt   capture time, epoch milliseconds (freshness check)
 * @param label        MASK or NO_MASK
 * @param score        mask probability in per-mille, 0..1000 (an integer so MicroPython signs it identically)
 * @param modelVersion version label of the model that produced the score
 * @param sig          lowercase hex HMAC-SHA256 of {@link #canonical()} with the unit's key; null while unsigned
 */
public record Decision(int v, String unitId, String doorId, long seq, long capturedAt, Label label, int score,
                       String modelVersion, String sig) implements SignedMessage<Decision> {

    public static final String TYPE = "decision";

    public Decision {
        Checks.version(v);
        Ids.require("unitId", unitId);
        Ids.require("doorId", doorId);
        Checks.range("seq", seq, 1, Long.MAX_VALUE);
        Checks.range("capturedAt", capturedAt, 0, Long.MAX_VALUE);
        Checks.notNull("label", label);
        Checks.range("score", score, 0, Limits.MAX_SCORE);
        Ids.requireLabel("modelVersion", modelVersion);
        Checks.sig(sig);
    }

    /** An unsigned decision of the current schema version; sign it with {@link Signer#sign}. */
    public static Decision unsigned(String unitId, String doorId, long seq, long capturedAt, Label label, int score,
                                    String modelVersion) {
        return new Decision(Limits.SCHEMA_VERSION, unitId, doorId, seq, capturedAt, label, score, modelVersion, null);
    }

    @Override
    public String canonical() {
        return Canonical.of(TYPE, v, unitId, doorId, seq, capturedAt, label, score, modelVersion);
    }

    @Override
    public Decision withSig(String newSig) {
        return new Decision(v, unitId, doorId, seq, capturedAt, label, score, modelVersion, newSig);
    }
}
