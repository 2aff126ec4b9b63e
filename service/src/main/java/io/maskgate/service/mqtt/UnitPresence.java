package io.maskgate.service.mqtt;

import io.maskgate.protocol.MessageCodec;
import io.maskgate.protocol.ProtocolException;
import io.maskgate.protocol.RejectReason;
import io.maskgate.protocol.Topics;
import io.maskgate.protocol.UnitStatus;
import io.maskgate.service.unit.UnitRegistry;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/**
 * Which units are online, from their retained status messages (the last will reports offline). Informational
 * only (status is unsigned): exported as the gauge maskgate_units_online, never used for access decisions.
 * Bounded to registered units: a status for an unknown unit id is counted and dropped, so random topics cannot
 * grow this map; entries of units deleted since are dropped when the gauge is read. Every status message is
 * counted in maskgate_status_messages_total{outcome,reason}.
 */
@Component
public class UnitPresence {

    private final MessageCodec codec;
    private final UnitRegistry units;
    private final MeterRegistry meters;
    private final Map<String, UnitStatus> latest = new ConcurrentHashMap<>();
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();

    public UnitPresence(MessageCodec codec, UnitRegistry units, MeterRegistry meters) {
        this.codec = codec;
        this.units = units;
        this.meters = meters;
        Gauge.builder("maskgate.units.online", this, UnitPresence::onlineCount)
                .description("units whose latest status says online").register(meters);
    }

    public void onStatus(String topic, byte[] payload) {
        String unitId = Topics.unitIdOf(topic).orElse(null);
        if (unitId == null) {
            count("rejected", RejectReason.TOPIC_MISMATCH.name());
            return;
        }
        if (payload.length == 0) {
            latest.remove(unitId);
            count("accepted", "CLEARED");
            return;
        }
        if (units.unit(unitId).isEmpty()) {
            count("rejected", RejectReason.UNKNOWN_UNIT.name());
            return;
        }
        try {
            UnitStatus status = codec.decodeStatus(payload);
            if (status.unitId().equals(unitId)) {
                latest.put(unitId, status);
                count("accepted", "none");
            } else {
                count("rejected", RejectReason.TOPIC_MISMATCH.name());
            }
        } catch (ProtocolException e) {
            count("rejected", e.reason().name());
        }
    }

    public long onlineCount() {
        latest.keySet().removeIf(id -> units.unit(id).isEmpty());
        return latest.values().stream().filter(UnitStatus::online).count();
    }

    /** The model version the unit's latest status named (informational, unsigned). */
    public java.util.Optional<String> modelVersion(String unitId) {
        return java.util.Optional.ofNullable(latest.get(unitId)).map(UnitStatus::modelVersion);
    }

    /** The unit's latest status report (online or not, model version, when), if it ever sent one. */
    public java.util.Optional<UnitStatus> status(String unitId) {
        return java.util.Optional.ofNullable(latest.get(unitId));
    }

    public boolean isOnline(String unitId) {
        UnitStatus s = latest.get(unitId);
        return s != null && s.online();
    }

    /** Units with a remembered status (bounded by the registered units). */
    public int size() {
        return latest.size();
    }

    private void count(String outcome, String reason) {
        counters.computeIfAbsent(outcome + '|' + reason, k -> Counter.builder("maskgate.status.messages")
                .tag("outcome", outcome).tag("reason", reason)
                .description("unit status messages by outcome and reason").register(meters)).increment();
    }
}
