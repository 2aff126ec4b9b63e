package io.maskgate.protocol;

import java.util.List;

/**
 * What the service vouches for about one gated model version, signed with the fleet's Ed25519 key
 * ({@link FleetKey}). A unit activates a downloaded file only if the file's size and SHA-256 match and the
 * signature verifies under the fleet public key it was provisioned with; after activation it runs the self-test
 * vectors and the int8 outputs must match exactly.
 *
 * @param v          schema version
 * @param version    model version label, e.g. {@code maskgate-tiny-v2}
 * @param sha256     lowercase hex SHA-256 of the int8 .tflite file
 * @param size       file size in bytes
 * @param ops        the builtin ops the model uses, comma-separated upper-case names (e.g. CONV_2D,MEAN)
 * @param arenaBytes tensor arena the model needs (tinyml's planner, as TFLite Micro plans it)
 * @param inputBytes bytes of the int8 input tensor (to expand the self-test seeds)
 * @param selfTests  {@link SelfTest#format(List)}: {@code seed:expected;seed:expected...}
 * @param created    epoch ms the manifest was signed
 * @param sig        lowercase hex of the 64-byte Ed25519 signature of {@link #canonical()}; null while unsigned
 */
public record ModelManifest(int v, String version, String sha256, long size, String ops, int arenaBytes,
                            int inputBytes, String selfTests, long created, String sig) {

    public static final String TYPE = "manifest";

    public ModelManifest {
        Checks.version(v);
        Ids.requireLabel("version", version);
        Checks.hex("sha256", sha256, 64);
        Checks.range("size", size, 1, Limits.MAX_MODEL_BYTES);
        if (ops == null || !ops.matches("[A-Z0-9_]{1,40}(,[A-Z0-9_]{1,40}){0,63}")) {
            throw new IllegalArgumentException("ops must be comma-separated upper-case op names");
        }
        Checks.range("arenaBytes", arenaBytes, 1, Integer.MAX_VALUE);
        Checks.range("inputBytes", inputBytes, 1, 1 << 20);
        SelfTest.parse(selfTests);
        Checks.range("created", created, 0, Long.MAX_VALUE);
        if (sig != null) {
            Checks.hex("sig", sig, 128);
        }
    }

    public static ModelManifest unsigned(String version, String sha256, long size, List<String> ops, int arenaBytes,
                                         int inputBytes, List<SelfTest> selfTests, long created) {
        return new ModelManifest(Limits.SCHEMA_VERSION, version, sha256, size, String.join(",", ops), arenaBytes,
                inputBytes, SelfTest.format(selfTests), created, null);
    }

    public List<SelfTest> selfTestList() {
        return SelfTest.parse(selfTests);
    }

    public List<String> opList() {
        return List.of(ops.split(","));
    }

    /** {@code manifest\n1\n{version}\n{sha256}\n{size}\n{ops}\n{arenaBytes}\n{inputBytes}\n{selfTests}\n{created}}. */
    public String canonical() {
        return Canonical.of(TYPE, v, version, sha256, size, ops, arenaBytes, inputBytes, selfTests, created);
    }

    public ModelManifest withSig(String newSig) {
        return new ModelManifest(v, version, sha256, size, ops, arenaBytes, inputBytes, selfTests, created, newSig);
    }
}
