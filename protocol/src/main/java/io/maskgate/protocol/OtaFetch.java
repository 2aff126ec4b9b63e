package io.maskgate.protocol;

/**
 * Unit -> service request for the next chunk of an action's model file, on {@link Topics#otaFetch(String)}, QoS 1,
 * HMAC-signed with the unit key. The unit pulls: it asks for the byte after its last good one, so a unit that was
 * cut off resumes where it stopped, and a slow unit never gets more than it asked for.
 *
 * @param v        schema version
 * @param unitId   the unit; must equal the unit in the topic
 * @param actionId the action whose file is fetched
 * @param offset   first byte wanted (0-based)
 * @param length   bytes wanted, 1..{@link Limits#MAX_CHUNK_BYTES}
 * @param at       epoch ms
 * @param sig      lowercase hex HMAC-SHA256 of {@link #canonical()} with the unit key
 */
public record OtaFetch(int v, String unitId, String actionId, long offset, int length, long at, String sig)
        implements SignedMessage<OtaFetch> {

    public static final String TYPE = "ota-fetch";

    public OtaFetch {
        Checks.version(v);
        Ids.require("unitId", unitId);
        Ids.require("actionId", actionId);
        Checks.range("offset", offset, 0, Limits.MAX_MODEL_BYTES);
        Checks.range("length", length, 1, Limits.MAX_CHUNK_BYTES);
        Checks.range("at", at, 0, Long.MAX_VALUE);
        Checks.sig(sig);
    }

    public static OtaFetch unsigned(String unitId, String actionId, long offset, int length, long at) {
        return new OtaFetch(Limits.SCHEMA_VERSION, unitId, actionId, offset, length, at, null);
    }

    @Override
    public String canonical() {
        return Canonical.of(TYPE, v, unitId, actionId, offset, length, at);
    }

    @Override
    public OtaFetch withSig(String newSig) {
        return new OtaFetch(v, unitId, actionId, offset, length, at, newSig);
    }
}
