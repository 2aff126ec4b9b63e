package io.maskgate.service.mqtt;

import io.maskgate.protocol.MessageCodec;
import io.maskgate.protocol.ProtocolException;
import io.maskgate.protocol.Topics;
import io.maskgate.protocol.UnitStatus;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/**
 * Which units are online, from their retained status messages (the last will reports offline). Informational
 * only (status is unsigned): exported as the gauge maskgate_units_online, never used for access decisions.
 */
@Component
public class UnitPresence {

    private final MessageCodec codec;
    private final Map<String, UnitStatus> latest = new ConcurrentHashMap<>();

    public UnitPresence(MessageCodec codec, MeterRegistry meters) {
        this.codec = codec;
        Gauge.builder("maskgate.units.online", this, UnitPresence::onlineCount)
                .description("units whose latest status says online").register(meters);
    }

    public void onStatus(String topic, byte[] payload) {
        String unitId = Topics.unitIdOf(topic).orElse(null);
        if (unitId == null) {
            return;
        }
        if (payload.length == 0) {
            latest.remove(unitId);
            return;
        }
        try {
            UnitStatus status = codec.decodeStatus(payload);
            if (status.unitId().equals(unitId)) {
                latest.put(unitId, status);
            }
        } catch (ProtocolException e) {
            // malformed status: informational topic, ignore
        }
    }

    public long onlineCount() {
        return latest.values().stream().filter(UnitStatus::online).count();
    }

    /** The unit's latest status report (online or not, model version, when), if it ever sent one. */
    public java.util.Optional<UnitStatus> status(String unitId) {
        return java.util.Optional.ofNullable(latest.get(unitId));
    }

    public boolean isOnline(String unitId) {
        UnitStatus s = latest.get(unitId);
        return s != null && s.online();
    }
}
