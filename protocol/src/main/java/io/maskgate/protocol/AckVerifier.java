package io.maskgate.protocol;

import java.time.Clock;
import java.util.Optional;

/**
 * Service side: authenticates an actuator's ack. Checks, in order: OVERSIZE, MALFORMED / UNKNOWN_SCHEMA,
 * TOPIC_MISMATCH (topic must be the ack topic of the message's door), UNKNOWN_DOOR, BAD_SIGNATURE (door key),
 * STALE / FUTURE ({@code at} against the clock). Matching the ack to a pending command is the caller's job.
 */
public final class AckVerifier {

    private final MessageCodec codec;
    private final KeyLookup doorKeys;
    private final Clock clock;
    private final Freshness freshness;

    public AckVerifier(MessageCodec codec, KeyLookup doorKeys, Clock clock, Freshness freshness) {
        this.codec = codec;
        this.doorKeys = doorKeys;
        this.clock = clock;
        this.freshness = freshness;
    }

    public Verdict<CommandAck> verify(String topic, byte[] payload) {
        CommandAck a;
        try {
            a = codec.decodeAck(payload);
        } catch (ProtocolException e) {
            return Verdict.reject(e.reason(), e.detail());
        }
        if (topic == null || !topic.equals(Topics.ack(a.doorId()))) {
            return Verdict.reject(RejectReason.TOPIC_MISMATCH, "ack of door " + a.doorId() + " arrived on "
                    + Ids.quote(topic), a);
        }
        Optional<Credentials> credentials = doorKeys.find(a.doorId());
        if (credentials.isEmpty()) {
            return Verdict.reject(RejectReason.UNKNOWN_DOOR, "door " + a.doorId() + " has no actuator key", a);
        }
        if (!Signer.verify(a, credentials.get().key())) {
            return Verdict.reject(RejectReason.BAD_SIGNATURE, "signature does not match door " + a.doorId(), a);
        }
        long now = clock.millis();
        RejectReason timing = freshness.check(a.at(), now);
        if (timing != null) {
            return Verdict.reject(timing, "ack time " + a.at() + " is " + (now - a.at()) + " ms from now", a);
        }
        return Verdict.accept(a);
    }
}
