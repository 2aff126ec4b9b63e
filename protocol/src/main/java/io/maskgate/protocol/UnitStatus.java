package io.maskgate.protocol;

/**
 * Informational, unsigned health of a unit, published retained on {@link Topics#status(String)}; the unit's
 * MQTT last will is the same message with {@code online=false}. Never used for access decisions.
 *
 * @param v            schema version
 * @param unitId       the unit
 * @param online       false in the last will / on clean shutdown
 * @param modelVersion model label in use
 * @param fps          frames processed per second (finite, >= 0)
 * @param inferenceMs  mean inference time per frame in ms (finite, >= 0)
 * @param queueDepth   decisions waiting in the unit's offline buffer (>= 0)
 * @param at           epoch ms of the report
 */
public record UnitStatus(int v, String unitId, boolean online, String modelVersion, double fps, double inferenceMs,
                         int queueDepth, long at) {

    public UnitStatus {
        Checks.version(v);
        Ids.require("unitId", unitId);
        Ids.requireLabel("modelVersion", modelVersion);
        Checks.finiteNonNegative("fps", fps);
        Checks.finiteNonNegative("inferenceMs", inferenceMs);
        Checks.range("queueDepth", queueDepth, 0, Integer.MAX_VALUE);
        Checks.range("at", at, 0, Long.MAX_VALUE);
    }

    public static UnitStatus of(String unitId, boolean online, String modelVersion, double fps, double inferenceMs,
                                int queueDepth, long at) {
        return new UnitStatus(Limits.SCHEMA_VERSION, unitId, online, modelVersion, fps, inferenceMs, queueDepth, at);
    }
}
