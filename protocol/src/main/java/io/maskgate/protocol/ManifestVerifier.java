package io.maskgate.protocol;

/**
 * Unit side: parses and checks a manifest before anything is downloaded or activated. Never throws on bad input.
 * Order: OVERSIZE -> MALFORMED / UNKNOWN_SCHEMA -> BAD_SIGNATURE (not signed by the fleet key).
 */
public final class ManifestVerifier {

    private final MessageCodec codec;
    private final FleetKey fleetKey;

    public ManifestVerifier(MessageCodec codec, FleetKey fleetKey) {
        this.codec = codec;
        this.fleetKey = fleetKey;
    }

    public Verdict<ModelManifest> verify(byte[] manifestJson) {
        ModelManifest m;
        try {
            m = codec.decode(manifestJson, ModelManifest.class);
        } catch (ProtocolException e) {
            return Verdict.reject(e.reason(), e.detail());
        }
        if (m.sig() == null) {
            return Verdict.reject(RejectReason.MALFORMED, "sig must be a string", m);
        }
        if (!fleetKey.verify(m)) {
            return Verdict.reject(RejectReason.BAD_SIGNATURE, "manifest not signed by the fleet key", m);
        }
        return Verdict.accept(m);
    }
}
