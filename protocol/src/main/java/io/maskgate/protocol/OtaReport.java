package io.maskgate.protocol;

/**
 * Unit -> service progress of an OTA action, on {@link Topics#otaReport(String)}, QoS 1, HMAC-signed with the unit
 * key (a forged report must not count as a success). After activation {@code bytes} and {@code arenaBytes} are the
 * installed model's file size and tensor arena, measured by the unit.
 *
 * @param v              schema version
 * @param unitId         the reporting unit; must equal the unit in the topic
 * @param actionId       the action reported on
 * @param state          see {@link OtaState}
 * @param version        the action's model version
 * @param runningVersion the model the unit runs right now (never empty: a unit always has a working model)
 * @param reason         FAILED / ROLLED_BACK: why (printable ASCII, at most 200 chars); otherwise null
 * @param bytes          DOWNLOADING: good bytes so far; later: the model's size in bytes
 * @param arenaBytes     after activation: the tensor arena the model needs; 0 before
 * @param at             epoch ms
 * @param sig            lowercase hex HMAC-SHA256 of {@link #canonical()} with the unit key
 */
public record OtaReport(int v, String unitId, String actionId, OtaState state, String version,
                        String runningVersion, String reason, long bytes, int arenaBytes, long at, String sig)
        implements SignedMessage<OtaReport> {

    public static final String TYPE = "ota-report";

    public OtaReport {
        Checks.version(v);
        Ids.require("unitId", unitId);
        Ids.require("actionId", actionId);
        Checks.notNull("state", state);
        Ids.requireLabel("version", version);
        Ids.requireLabel("runningVersion", runningVersion);
        Checks.reason(reason);
        Checks.range("bytes", bytes, 0, Long.MAX_VALUE);
        Checks.range("arenaBytes", arenaBytes, 0, Integer.MAX_VALUE);
        Checks.range("at", at, 0, Long.MAX_VALUE);
        Checks.sig(sig);
    }

    public static OtaReport unsigned(String unitId, String actionId, OtaState state, String version,
                                     String runningVersion, String reason, long bytes, int arenaBytes, long at) {
        return new OtaReport(Limits.SCHEMA_VERSION, unitId, actionId, state, version, runningVersion, reason, bytes,
                arenaBytes, at, null);
    }

    @Override
    public String canonical() {
        return Canonical.of(TYPE, v, unitId, actionId, state, version, runningVersion, reason, bytes, arenaBytes, at);
    }

    @Override
    public OtaReport withSig(String newSig) {
        return new OtaReport(v, unitId, actionId, state, version, runningVersion, reason, bytes, arenaBytes, at,
                newSig);
    }
}
