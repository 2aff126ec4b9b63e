package io.maskgate.protocol;

import java.time.Clock;
import java.util.Optional;

/**
 * Checks OTA messages; never throws on bad input. Unit side ({@link #command}): OVERSIZE -> MALFORMED /
 * UNKNOWN_SCHEMA -> TOPIC_MISMATCH (not this unit's ota topic or another unitId) -> BAD_SIGNATURE (unit key) ->
 * EXPIRED. Service side ({@link #fromUnit}, reports and fetches): OVERSIZE -> MALFORMED / UNKNOWN_SCHEMA ->
 * TOPIC_MISMATCH -> UNKNOWN_UNIT -> UNIT_DISABLED -> BAD_SIGNATURE.
 */
public final class OtaVerifier {

    private final MessageCodec codec;
    private final Clock clock;

    public OtaVerifier(MessageCodec codec, Clock clock) {
        this.codec = codec;
        this.clock = clock;
    }

    /** A unit checking a control message addressed to it. */
    public Verdict<OtaCommand> command(String unitId, HmacKey unitKey, String topic, byte[] payload) {
        OtaCommand c;
        try {
            c = codec.decodeOtaCommand(payload);
        } catch (ProtocolException e) {
            return Verdict.reject(e.reason(), e.detail());
        }
        if (!Topics.ota(unitId).equals(topic) || !c.unitId().equals(unitId)) {
            return Verdict.reject(RejectReason.TOPIC_MISMATCH, "OTA command for " + c.unitId() + " on " + topic, c);
        }
        if (!Signer.verify(c, unitKey)) {
            return Verdict.reject(RejectReason.BAD_SIGNATURE, "OTA command signature does not match", c);
        }
        if (clock.millis() >= c.expiresAt()) {
            return Verdict.reject(RejectReason.EXPIRED, "OTA command expired at " + c.expiresAt(), c);
        }
        return Verdict.accept(c);
    }

    /** The service checking a report or fetch: its unitId must be the topic's unit and the HMAC that unit's. */
    public <T extends Record & SignedMessage<T>> Verdict<T> fromUnit(String topic, byte[] payload, Class<T> type,
                                                                      KeyLookup units) {
        T m;
        try {
            m = codec.decode(payload, type);
        } catch (ProtocolException e) {
            return Verdict.reject(e.reason(), e.detail());
        }
        String unitId = unitIdOf(m);
        Optional<String> topicUnit = Topics.unitIdOf(topic);
        String expected = m instanceof OtaReport ? Topics.otaReport(unitId) : Topics.otaFetch(unitId);
        if (topicUnit.isEmpty() || !topic.equals(expected)) {
            return Verdict.reject(RejectReason.TOPIC_MISMATCH, "message of " + unitId + " on " + topic, m);
        }
        Optional<Credentials> creds = units.find(unitId);
        if (creds.isEmpty()) {
            return Verdict.reject(RejectReason.UNKNOWN_UNIT, "no key registered for " + unitId, m);
        }
        if (!creds.get().enabled()) {
            return Verdict.reject(RejectReason.UNIT_DISABLED, unitId + " is disabled", m);
        }
        if (!Signer.verify(m, creds.get().key())) {
            return Verdict.reject(RejectReason.BAD_SIGNATURE, "signature does not match " + unitId + "'s key", m);
        }
        return Verdict.accept(m);
    }

    private static String unitIdOf(Record m) {
        if (m instanceof OtaReport r) {
            return r.unitId();
        }
        if (m instanceof OtaFetch f) {
            return f.unitId();
        }
        throw new IllegalArgumentException("not a unit OTA message: " + m.getClass().getSimpleName());
    }
}
