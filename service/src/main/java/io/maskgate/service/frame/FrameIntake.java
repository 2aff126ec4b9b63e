package io.maskgate.service.frame;

import io.maskgate.protocol.FrameUpload;
import io.maskgate.protocol.Limits;
import io.maskgate.protocol.MessageCodec;
import io.maskgate.protocol.ProtocolException;
import io.maskgate.protocol.RejectReason;
import io.maskgate.protocol.Signer;
import io.maskgate.protocol.Topics;
import io.maskgate.service.unit.UnitRegistry;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/**
 * Frame uploads (reserved for re-verification, which is not built yet): each one is checked as a decision is
 * (size, strict JSON, topic, registered and enabled unit, signature) and counted in
 * maskgate_frames_total{outcome,reason}, then discarded. Nothing is stored, so a flood of frames costs CPU only.
 */
@Component
public class FrameIntake {

    private final MessageCodec codec;
    private final UnitRegistry units;
    private final MeterRegistry meters;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();

    public FrameIntake(MessageCodec codec, UnitRegistry units, MeterRegistry meters) {
        this.codec = codec;
        this.units = units;
        this.meters = meters;
    }

    public void onFrame(String topic, byte[] payload) {
        count(check(topic, payload));
    }

    private String check(String topic, byte[] payload) {
        if (payload.length > Limits.MAX_FRAME_PAYLOAD_BYTES) {
            return RejectReason.OVERSIZE.name();
        }
        FrameUpload frame;
        try {
            frame = codec.decodeFrame(payload);
        } catch (ProtocolException e) {
            return e.reason().name();
        }
        if (!Topics.frame(frame.unitId()).equals(topic)) {
            return RejectReason.TOPIC_MISMATCH.name();
        }
        Optional<UnitRegistry.CachedUnit> unit = units.unit(frame.unitId());
        if (unit.isEmpty()) {
            return RejectReason.UNKNOWN_UNIT.name();
        }
        if (!unit.get().enabled()) {
            return RejectReason.UNIT_DISABLED.name();
        }
        if (!Signer.verify(frame, unit.get().key())) {
            return RejectReason.BAD_SIGNATURE.name();
        }
        return null;
    }

    private void count(String rejectReason) {
        String outcome = rejectReason == null ? "accepted" : "rejected";
        String reason = rejectReason == null ? "none" : rejectReason;
        counters.computeIfAbsent(outcome + '|' + reason, k -> Counter.builder("maskgate.frames")
                .tag("outcome", outcome).tag("reason", reason)
                .description("frame uploads by outcome and reason (verified, then discarded)").register(meters))
                .increment();
    }
}
