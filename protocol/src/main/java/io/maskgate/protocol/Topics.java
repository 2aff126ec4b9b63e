package io.maskgate.protocol;

import java.util.Optional;

/**
 * The MQTT topic tree. Every topic is built and parsed here so the service, the Java agent and the firmware
 * (which mirrors these strings) cannot drift apart. The version is part of the prefix so a v2 wire format can
 * run beside v1 on the same broker.
 */
public final class Topics {

    public static final String PREFIX = "maskgate/v1";

    /** unit -> service decisions of every unit (subscription filter). */
    public static final String ALL_DECISIONS = PREFIX + "/units/+/decision";
    /** unit status of every unit (retained; the last will publishes offline). */
    public static final String ALL_STATUS = PREFIX + "/units/+/status";
    /** reserved frame uploads of every unit. */
    public static final String ALL_FRAMES = PREFIX + "/units/+/frame";
    /** OTA progress reports of every unit. */
    public static final String ALL_OTA_REPORTS = PREFIX + "/units/+/ota-report";
    /** OTA chunk requests of every unit. */
    public static final String ALL_OTA_FETCHES = PREFIX + "/units/+/ota-fetch";
    /** actuator acks of every door. */
    public static final String ALL_ACKS = PREFIX + "/doors/+/ack";
    /** commands of every door (monitoring). */
    public static final String ALL_COMMANDS = PREFIX + "/doors/+/command";

    /**
     * service replica -> the other replicas, QoS 0, not retained: the (unit, seq) pairs a replica accepted, signed
     * with a key derived from the shared master key, so a decision replayed to another replica is refused there.
     * Units and actuators never use it (the broker ACL gives them no access).
     */
    public static final String REPLICA_SEQUENCES = PREFIX + "/service/sequences";

    /** fire-alarm panel gateway -> service replicas (not shared: every replica acts on it), QoS 1, {@link FireAlarm}. */
    public static final String ALL_FIRE_ALARMS = PREFIX + "/alarms/+/fire";

    private static final String ALARMS = PREFIX + "/alarms/";
    private static final String UNITS = PREFIX + "/units/";
    private static final String DOORS = PREFIX + "/doors/";

    private Topics() {
    }

    /** unit -> service, QoS 1, signed {@link Decision}. */
    public static String decision(String unitId) {
        return unit(unitId, "decision");
    }

    /** unit -> all, retained, {@link UnitStatus}; the unit's last will is an offline status on this topic. */
    public static String status(String unitId) {
        return unit(unitId, "status");
    }

    /** unit -> service, reserved for re-verification, signed {@link FrameUpload}. */
    public static String frame(String unitId) {
        return unit(unitId, "frame");
    }

    /** service -> unit, QoS 1, signed {@link OtaCommand} (install / cancel a model). */
    public static String ota(String unitId) {
        return unit(unitId, "ota");
    }

    /** service -> unit, QoS 1, {@link OtaChunk} bytes of a model file (answers an {@link OtaFetch}). */
    public static String otaChunk(String unitId) {
        return unit(unitId, "ota-chunk");
    }

    /** unit -> service, QoS 1, signed {@link OtaFetch}: the next chunk wanted. */
    public static String otaFetch(String unitId) {
        return unit(unitId, "ota-fetch");
    }

    /** unit -> service, QoS 1, signed {@link OtaReport}. */
    public static String otaReport(String unitId) {
        return unit(unitId, "ota-report");
    }

    /** fire-alarm panel gateway -> service, QoS 1, {@link FireAlarm} signed with the panel's key. */
    public static String fireAlarm(String panelId) {
        return ALARMS + Ids.require("panelId", panelId) + "/fire";
    }

    /** The panel id of a {@code maskgate/v1/alarms/{panelId}/fire} topic, if the topic is one and the id is valid. */
    public static Optional<String> panelIdOf(String topic) {
        return idOf(topic, ALARMS);
    }

    /** service -> actuator, QoS 1, signed {@link DoorCommand}. */
    public static String command(String doorId) {
        return DOORS + Ids.require("doorId", doorId) + "/command";
    }

    /** actuator -> service, QoS 1, signed {@link CommandAck}. */
    public static String ack(String doorId) {
        return DOORS + Ids.require("doorId", doorId) + "/ack";
    }

    /** A shared subscription: {@code $share/group/filter}, so several service replicas split the load. */
    public static String shared(String group, String filter) {
        Ids.require("group", group);
        if (filter == null || filter.isEmpty() || filter.startsWith("$share/")) {
            throw new IllegalArgumentException("filter must be a plain topic filter, got " + Ids.quote(filter));
        }
        return "$share/" + group + "/" + filter;
    }

    /** The unit id of a {@code maskgate/v1/units/{unitId}/...} topic, if the topic is one and the id is valid. */
    public static Optional<String> unitIdOf(String topic) {
        return idOf(topic, UNITS);
    }

    /** The door id of a {@code maskgate/v1/doors/{doorId}/...} topic, if the topic is one and the id is valid. */
    public static Optional<String> doorIdOf(String topic) {
        return idOf(topic, DOORS);
    }

    /** The last level of a maskgate topic ("decision", "status", "command", ...), if it is a maskgate topic. */
    public static Optional<String> kindOf(String topic) {
        if (topic == null || !(topic.startsWith(UNITS) || topic.startsWith(DOORS))) {
            return Optional.empty();
        }
        String[] levels = topic.split("/", -1);
        return levels.length == 5 ? Optional.of(levels[4]) : Optional.empty();
    }

    private static Optional<String> idOf(String topic, String base) {
        if (topic == null || !topic.startsWith(base)) {
            return Optional.empty();
        }
        String[] rest = topic.substring(base.length()).split("/", -1);
        if (rest.length != 2 || !Ids.isValid(rest[0]) || rest[1].isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(rest[0]);
    }

    private static String unit(String unitId, String kind) {
        return UNITS + Ids.require("unitId", unitId) + "/" + kind;
    }
}
