package io.maskgate.service.verify;

import io.maskgate.protocol.FrameUpload;
import io.maskgate.protocol.FrameVerifier;
import io.maskgate.protocol.MessageCodec;
import io.maskgate.protocol.Verdict;
import io.maskgate.service.unit.UnitRegistry;
import io.maskgate.verifier.Crops;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Frame uploads from MQTT (on the callback thread, so only checks and hand-over happen here): protocol's
 * {@link FrameVerifier} against the held uncertain decisions (held, same unit, same door and score, once), then
 * the image itself (decodes, exactly 32x32: CORRUPT_IMAGE / WRONG_SIZE). A refused frame is counted by reason and
 * changes nothing: the decision's frame slot is given back, so the real frame may still come.
 * <p>
 * A unit publishes the frame right behind its decision, but decisions come through the shared subscription and
 * frames through a plain one, and the broker does not order the two: a frame may overtake its decision. An
 * authenticated frame for a seq above the unit's last accepted one therefore waits (bounded: {@value #MAX_PARKED}
 * frames, {@code earlyFrameWait}) for its decision; unmatched it is refused as UNKNOWN_DECISION.
 */
public class FrameIngest {

    private static final Logger log = LoggerFactory.getLogger(FrameIngest.class);

    static final int MAX_PARKED = 1000;

    private record Parked(String topic, byte[] payload, long arrivedNanos) {
    }

    private final FrameVerifier verifier;
    private final io.maskgate.protocol.SequenceState sequences;
    private final long earlyFrameWaitNanos;
    private final java.util.concurrent.ConcurrentMap<String, Parked> parked =
            new java.util.concurrent.ConcurrentHashMap<>();
    private final HeldDecisions held;
    private final Reverification reverification;
    private final VerifyMetrics metrics;
    private final AtomicLong lastWarnNanos = new AtomicLong(System.nanoTime() - 10_000_000_000L);

    public FrameIngest(MessageCodec codec, UnitRegistry units, io.maskgate.protocol.SequenceState sequences,
                       HeldDecisions held, Reverification reverification, VerifyMetrics metrics,
                       java.time.Duration earlyFrameWait) {
        this.verifier = new FrameVerifier(codec, units);
        this.sequences = sequences;
        this.earlyFrameWaitNanos = earlyFrameWait.toNanos();
        held.onHold(this::decisionHeld);
        this.held = held;
        this.reverification = reverification;
        this.metrics = metrics;
    }

    public void onFrame(String topic, byte[] payload, long arrivedNanos) {
        metrics.received();
        process(topic, payload, arrivedNanos, true);
    }

    private void process(String topic, byte[] payload, long arrivedNanos, boolean mayPark) {
        Verdict<FrameUpload> verdict = verifier.verify(topic, payload, held);
        if (!verdict.accepted()) {
            if (mayPark && verdict.reason() == io.maskgate.protocol.RejectReason.UNKNOWN_DECISION
                    && verdict.authenticated() && park(verdict.message(), topic, payload, arrivedNanos)) {
                return;
            }
            reject(verdict.reason().name(), topic, verdict.detail());
            return;
        }
        FrameUpload f = verdict.message();
        byte[] image = Base64.getDecoder().decode(f.jpegBase64());
        try {
            Crops.decode(image);
        } catch (Crops.BadCropException e) {
            held.release(f.unitId(), f.seq());
            reject(e.wrongSize() ? "WRONG_SIZE" : "CORRUPT_IMAGE", topic, e.getMessage());
            return;
        }
        UncertainDecision u = held.get(f.unitId(), f.seq()).orElse(null);
        if (u == null) { // expired between the check and now
            reject("UNKNOWN_DECISION", topic, "decision expired while its frame was checked");
            return;
        }
        reverification.onFrame(u, image, arrivedNanos);
    }

    /** Parks an early frame (its decision not accepted yet); false when it cannot wait. */
    private boolean park(FrameUpload f, String topic, byte[] payload, long arrivedNanos) {
        if (f.seq() <= sequences.lastSeq(f.unitId()) || parked.size() >= MAX_PARKED) {
            return false;
        }
        if (parked.putIfAbsent(key(f.unitId(), f.seq()), new Parked(topic, payload, arrivedNanos)) != null) {
            reject("REPLAY", topic, "a frame of decision seq " + f.seq() + " is already waiting for it");
        }
        return true;
    }

    private void decisionHeld(String unitId, Long seq) {
        Parked p = parked.remove(key(unitId, seq));
        if (p != null) {
            process(p.topic(), p.payload(), p.arrivedNanos(), false);
        }
    }

    /** Refuses early frames whose decision did not come in time (run periodically). */
    public void expireParked(long nowNanos) {
        parked.entrySet().removeIf(e -> {
            if (nowNanos - e.getValue().arrivedNanos() <= earlyFrameWaitNanos) {
                return false;
            }
            reject("UNKNOWN_DECISION", e.getValue().topic(), "no decision " + e.getKey().replace('\n', '/')
                    + " arrived within " + earlyFrameWaitNanos / 1_000_000 + " ms of its frame");
            return true;
        });
    }

    /** Frames waiting for their decisions. */
    public int parkedCount() {
        return parked.size();
    }

    private static String key(String unitId, long seq) {
        return unitId + '\n' + seq;
    }

    private void reject(String reason, String topic, String detail) {
        metrics.rejected(reason);
        long now = System.nanoTime();
        long last = lastWarnNanos.get();
        if (now - last > 10_000_000_000L && lastWarnNanos.compareAndSet(last, now)) {
            log.warn("frame on {} refused: {} ({}); further refusals within 10 s are only counted "
                    + "(maskgate_frames_rejected_total)", topic, reason, detail);
        }
    }
}
