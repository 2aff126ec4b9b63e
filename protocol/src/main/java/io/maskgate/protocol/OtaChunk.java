package io.maskgate.protocol;

import java.util.Base64;

/**
 * Service -> unit bytes of a model file, on {@link Topics#otaChunk(String)}, QoS 1. Not signed: {@code sha256}
 * catches a chunk damaged on the way (the unit asks again from the same offset), and the whole file's SHA-256 in
 * the fleet-signed manifest catches everything else before activation.
 *
 * @param v        schema version
 * @param unitId   the unit addressed
 * @param actionId the action the file belongs to
 * @param offset   position of the first byte in the file
 * @param total    size of the whole file
 * @param sha256   lowercase hex SHA-256 of the decoded bytes of this chunk
 * @param data     the bytes, standard base64 with padding
 */
public record OtaChunk(int v, String unitId, String actionId, long offset, long total, String sha256, String data) {

    public OtaChunk {
        Checks.version(v);
        Ids.require("unitId", unitId);
        Ids.require("actionId", actionId);
        Checks.range("total", total, 1, Limits.MAX_MODEL_BYTES);
        Checks.range("offset", offset, 0, total - 1);
        Checks.hex("sha256", sha256, 64);
        if (data == null || data.isEmpty() || data.length() > (Limits.MAX_CHUNK_BYTES + 2) / 3 * 4) {
            throw new IllegalArgumentException("data must be base64 of 1.." + Limits.MAX_CHUNK_BYTES + " bytes");
        }
    }

    /** A chunk of {@code bytes}, with its hash. */
    public static OtaChunk of(String unitId, String actionId, long offset, long total, byte[] bytes) {
        return new OtaChunk(Limits.SCHEMA_VERSION, unitId, actionId, offset, total, Hashes.sha256Hex(bytes),
                Base64.getEncoder().encodeToString(bytes));
    }

    /** The decoded bytes; throws IllegalArgumentException when {@code data} is not base64. */
    public byte[] bytes() {
        return Base64.getDecoder().decode(data);
    }
}
