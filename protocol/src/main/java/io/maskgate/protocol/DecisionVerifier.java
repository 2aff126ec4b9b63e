package io.maskgate.protocol;

import java.time.Clock;
import java.util.Optional;

/**
 * Authenticates a decision exactly as received from MQTT. Checks, in this order (first failure wins):
 * OVERSIZE, MALFORMED / UNKNOWN_SCHEMA, TOPIC_MISMATCH (topic must be the decision topic of the message's unit),
 * UNKNOWN_UNIT, UNIT_DISABLED, BAD_SIGNATURE, REPLAY (seq not above the last accepted), STALE / FUTURE
 * (capturedAt against the clock), then atomically advances the unit's sequence. Never throws on bad input.
 * Thread-safe when its {@link KeyLookup} and {@link SequenceState} are.
 */
public final class DecisionVerifier {

    private final MessageCodec codec;
    private final KeyLookup keys;
    private final SequenceState sequences;
    private final Clock clock;
    private final Freshness freshness;

    public DecisionVerifier(MessageCodec codec, KeyLookup keys, SequenceState sequences, Clock clock,
                            Freshness freshness) {
        this.codec = codec;
        this.keys = keys;
        this.sequences = sequences;
        this.clock = clock;
        this.freshness = freshness;
    }

    public Verdict<Decision> verify(String topic, byte[] payload) {
        Decision d;
        try {
            d = codec.decodeDecision(payload);
        } catch (ProtocolException e) {
            return Verdict.reject(e.reason(), e.detail());
        }
        if (topic == null || !topic.equals(Topics.decision(d.unitId()))) {
            return Verdict.reject(RejectReason.TOPIC_MISMATCH,
                    "unit " + d.unitId() + " published on " + Ids.quote(topic), d);
        }
        Optional<Credentials> credentials = keys.find(d.unitId());
        if (credentials.isEmpty()) {
            return Verdict.reject(RejectReason.UNKNOWN_UNIT, "unit " + d.unitId() + " is not registered", d);
        }
        if (!credentials.get().enabled()) {
            return Verdict.reject(RejectReason.UNIT_DISABLED, "unit " + d.unitId() + " is disabled", d);
        }
        if (!Signer.verify(d, credentials.get().key())) {
            return Verdict.reject(RejectReason.BAD_SIGNATURE, "signature does not match unit " + d.unitId(), d);
        }
        long last = sequences.lastSeq(d.unitId());
        if (d.seq() <= last) {
            return Verdict.reject(RejectReason.REPLAY, "seq " + d.seq() + " <= last accepted " + last, d);
        }
        long now = clock.millis();
        RejectReason timing = freshness.check(d.capturedAt(), now);
        if (timing != null) {
            return Verdict.reject(timing, "capturedAt " + d.capturedAt() + " is " + (now - d.capturedAt())
                    + " ms from now " + now, d);
        }
        if (!sequences.advance(d.unitId(), d.seq())) {
            return Verdict.reject(RejectReason.REPLAY, "seq " + d.seq() + " was already accepted (concurrently, or by another replica)", d);
        }
        return Verdict.accept(d);
    }
}
