package io.maskgate.protocol;

/**
 * Service -> unit control message of an OTA action, on {@link Topics#ota(String)}, QoS 1, HMAC-signed with the
 * unit's own key (like decisions, so a unit needs no second secret for control). The model's authenticity does not
 * rest on this HMAC: INSTALL carries the model's {@link ModelManifest} as JSON text, signed separately with the
 * fleet's Ed25519 key, which the unit checks before activation.
 *
 * @param v         schema version
 * @param unitId    the unit addressed; must equal the unit in the topic
 * @param actionId  the action (one per unit and rollout), echoed in fetches and reports
 * @param kind      INSTALL or CANCEL
 * @param version   model version the action installs (for CANCEL: the one cancelled)
 * @param manifest  INSTALL: the signed manifest's JSON text; CANCEL: null
 * @param chunkSize bytes per chunk the unit should request, 1024..32768
 * @param issuedAt  epoch ms
 * @param expiresAt epoch ms after which the unit gives the action up (its deadline); issuedAt < expiresAt
 * @param sig       lowercase hex HMAC-SHA256 of {@link #canonical()} with the unit key
 */
public record OtaCommand(int v, String unitId, String actionId, OtaKind kind, String version, String manifest,
                         int chunkSize, long issuedAt, long expiresAt, String sig)
        implements SignedMessage<OtaCommand> {

    public static final String TYPE = "ota";

    public OtaCommand {
        Checks.version(v);
        Ids.require("unitId", unitId);
        Ids.require("actionId", actionId);
        Checks.notNull("kind", kind);
        Ids.requireLabel("version", version);
        if (kind == OtaKind.INSTALL && (manifest == null || manifest.isEmpty())) {
            throw new IllegalArgumentException("an INSTALL needs its manifest");
        }
        if (manifest != null && (manifest.length() > Limits.MAX_MANIFEST_BYTES || manifest.indexOf('\n') >= 0)) {
            throw new IllegalArgumentException("manifest must be one line of at most " + Limits.MAX_MANIFEST_BYTES
                    + " characters");
        }
        Checks.range("chunkSize", chunkSize, Limits.MIN_CHUNK_BYTES, Limits.MAX_CHUNK_BYTES);
        Checks.range("issuedAt", issuedAt, 0, Long.MAX_VALUE);
        Checks.range("expiresAt", expiresAt, issuedAt + 1, Long.MAX_VALUE);
        Checks.sig(sig);
    }

    public static OtaCommand unsigned(String unitId, String actionId, OtaKind kind, String version, String manifest,
                                      int chunkSize, long issuedAt, long expiresAt) {
        return new OtaCommand(Limits.SCHEMA_VERSION, unitId, actionId, kind, version, manifest, chunkSize, issuedAt,
                expiresAt, null);
    }

    @Override
    public String canonical() {
        return Canonical.of(TYPE, v, unitId, actionId, kind, version, manifest, chunkSize, issuedAt, expiresAt);
    }

    @Override
    public OtaCommand withSig(String newSig) {
        return new OtaCommand(v, unitId, actionId, kind, version, manifest, chunkSize, issuedAt, expiresAt, newSig);
    }
}
