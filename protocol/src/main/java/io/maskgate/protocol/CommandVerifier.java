package io.maskgate.protocol;

import java.time.Clock;

/**
 * What a door actuator runs on every command before it moves anything. Checks, in order (first failure wins):
 * OVERSIZE, MALFORMED / UNKNOWN_SCHEMA, TOPIC_MISMATCH (arrived on another door's command topic), WRONG_DOOR
 * (names another door), BAD_SIGNATURE (door key), EXPIRED (now >= expiresAt), FUTURE (issuedAt too far ahead),
 * REPLAY (command id already executed, recorded only when everything else passed). Anything but an accepted
 * verdict must leave the door locked.
 */
public final class CommandVerifier {

    private final MessageCodec codec;
    private final String doorId;
    private final HmacKey doorKey;
    private final CommandReplayGuard replayGuard;
    private final Clock clock;
    private final Freshness freshness;

    /**
     * @param doorId      the door this actuator drives
     * @param doorKey     the door's actuator key
     * @param freshness   only {@link Freshness#maxAhead()} is used (the command's own expiry bounds its age)
     */
    public CommandVerifier(MessageCodec codec, String doorId, HmacKey doorKey, CommandReplayGuard replayGuard,
                           Clock clock, Freshness freshness) {
        this.codec = codec;
        this.doorId = Ids.require("doorId", doorId);
        this.doorKey = doorKey;
        this.replayGuard = replayGuard;
        this.clock = clock;
        this.freshness = freshness;
    }

    public Verdict<DoorCommand> verify(String topic, byte[] payload) {
        DoorCommand c;
        try {
            c = codec.decodeCommand(payload);
        } catch (ProtocolException e) {
            return Verdict.reject(e.reason(), e.detail());
        }
        if (topic == null || !topic.equals(Topics.command(doorId))) {
            return Verdict.reject(RejectReason.TOPIC_MISMATCH, "command arrived on " + Ids.quote(topic)
                    + ", not on door " + doorId + "'s topic", c);
        }
        if (!c.doorId().equals(doorId)) {
            return Verdict.reject(RejectReason.WRONG_DOOR, "command is for door " + c.doorId()
                    + ", this is door " + doorId, c);
        }
        if (!Signer.verify(c, doorKey)) {
            return Verdict.reject(RejectReason.BAD_SIGNATURE, "signature does not match door " + doorId, c);
        }
        long now = clock.millis();
        if (now >= c.expiresAt()) {
            return Verdict.reject(RejectReason.EXPIRED, "expired " + (now - c.expiresAt()) + " ms ago", c);
        }
        if (c.issuedAt() > now + freshness.maxAhead().toMillis()) {
            return Verdict.reject(RejectReason.FUTURE, "issuedAt is " + (c.issuedAt() - now) + " ms ahead", c);
        }
        if (!replayGuard.firstUse(c.commandId(), c.expiresAt(), now)) {
            return Verdict.reject(RejectReason.REPLAY, "command " + c.commandId() + " was already received", c);
        }
        return Verdict.accept(c);
    }

    public String doorId() {
        return doorId;
    }
}
