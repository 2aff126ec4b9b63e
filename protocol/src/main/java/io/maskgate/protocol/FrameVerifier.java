package io.maskgate.protocol;

import java.util.Optional;

/**
 * Authenticates a frame upload exactly as received from MQTT and ties it to a decision the service holds.
 * Checks, in this order (first failure wins): OVERSIZE, MALFORMED / UNKNOWN_SCHEMA, TOPIC_MISMATCH (the frame
 * topic of the message's unit), UNKNOWN_UNIT, UNIT_DISABLED, BAD_SIGNATURE, UNKNOWN_DECISION (no held decision
 * of this unit with this seq), FRAME_MISMATCH (the held decision names another door or score), REPLAY (this
 * decision's frame already arrived), then claims the frame. The image itself is not looked at here (see the
 * service). Never throws on bad input. Thread-safe when its {@link KeyLookup} and {@link FrameState} are.
 */
public final class FrameVerifier {

    private final MessageCodec codec;
    private final KeyLookup keys;

    public FrameVerifier(MessageCodec codec, KeyLookup keys) {
        this.codec = codec;
        this.keys = keys;
    }

    public Verdict<FrameUpload> verify(String topic, byte[] payload, FrameState state) {
        FrameUpload f;
        try {
            f = codec.decodeFrame(payload);
        } catch (ProtocolException e) {
            return Verdict.reject(e.reason(), e.detail());
        }
        if (topic == null || !topic.equals(Topics.frame(f.unitId()))) {
            return Verdict.reject(RejectReason.TOPIC_MISMATCH,
                    "unit " + f.unitId() + " published a frame on " + Ids.quote(topic), f);
        }
        Optional<Credentials> credentials = keys.find(f.unitId());
        if (credentials.isEmpty()) {
            return Verdict.reject(RejectReason.UNKNOWN_UNIT, "unit " + f.unitId() + " is not registered", f);
        }
        if (!credentials.get().enabled()) {
            return Verdict.reject(RejectReason.UNIT_DISABLED, "unit " + f.unitId() + " is disabled", f);
        }
        if (!Signer.verify(f, credentials.get().key())) {
            return Verdict.reject(RejectReason.BAD_SIGNATURE, "signature does not match unit " + f.unitId(), f);
        }
        Optional<FrameState.HeldDecision> held = state.held(f.unitId(), f.seq());
        if (held.isEmpty()) {
            return Verdict.reject(RejectReason.UNKNOWN_DECISION, "no decision seq " + f.seq() + " of unit "
                    + f.unitId() + " is held for a frame", f);
        }
        if (!held.get().doorId().equals(f.doorId()) || held.get().score() != f.score()) {
            return Verdict.reject(RejectReason.FRAME_MISMATCH, "decision seq " + f.seq() + " was door "
                    + held.get().doorId() + " score " + held.get().score() + ", frame says door " + f.doorId()
                    + " score " + f.score(), f);
        }
        if (!state.claim(f.unitId(), f.seq())) {
            return Verdict.reject(RejectReason.REPLAY, "the frame of decision seq " + f.seq() + " already arrived", f);
        }
        return Verdict.accept(f);
    }
}
