package io.maskgate.agent.actuator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.maskgate.protocol.AckStatus;
import io.maskgate.protocol.DoorAction;
import io.maskgate.protocol.DoorCommand;
import io.maskgate.protocol.Freshness;
import io.maskgate.protocol.HmacKey;
import io.maskgate.protocol.Keys;
import io.maskgate.protocol.MessageCodec;
import io.maskgate.protocol.RejectReason;
import io.maskgate.protocol.Signer;
import io.maskgate.protocol.Topics;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** The actuator's logic under a controllable clock (the IT covers the same over MQTT). */
class CommandHandlerTest {

    private final HmacKey key = Keys.generate();
    private final MessageCodec codec = new MessageCodec();
    private final MutableClock clock = new MutableClock(1_000_000);
    private final CommandHandler handler = CommandHandler.standard("door-1", key, clock,
            Freshness.symmetric(Duration.ofSeconds(5)));

    @Test
    void unlockRunsForTheCommandedDurationThenRelocks() {
        CommandHandler.Outcome o = handler.handle(Topics.command("door-1"), command("c-1", DoorAction.UNLOCK, 3000));
        assertTrue(o.verdict().accepted());
        assertEquals(AckStatus.DONE, o.ack().orElseThrow().status());
        assertTrue(Signer.verify(o.ack().orElseThrow(), key));
        assertTrue(handler.lock().unlocked());
        clock.advance(2999);
        assertTrue(handler.lock().unlocked());
        clock.advance(1);
        assertFalse(handler.lock().unlocked());
    }

    @Test
    void lockCommandEndsAnUnlockEarly() {
        handler.handle(Topics.command("door-1"), command("c-1", DoorAction.UNLOCK, 60_000));
        handler.handle(Topics.command("door-1"), command("c-2", DoorAction.LOCK, 0));
        assertFalse(handler.lock().unlocked());
    }

    /**
     * Issue 11 (low): the first attempt of an UNLOCK is lost, the operator locks, then the service's retry of the
     * UNLOCK (same issue time, attempt 2) arrives after the LOCK: the actuator orders commands by issue time, so
     * the older UNLOCK must not reopen the door.
     */
    @Test
    void anUnlockIssuedBeforeTheLastExecutedLockNeverReopensTheDoor() {
        long unlockIssued = clock.millis();
        byte[] retry = codec.encode(Signer.sign(DoorCommand.unsigned("c-1", "door-1", DoorAction.UNLOCK, 3000,
                unlockIssued, unlockIssued + 10_000, 2), key));
        clock.advance(300);
        CommandHandler.Outcome locked = handler.handle(Topics.command("door-1"), command("c-2", DoorAction.LOCK, 0));
        assertTrue(locked.verdict().accepted());
        clock.advance(700);
        CommandHandler.Outcome o = handler.handle(Topics.command("door-1"), retry);
        assertFalse(handler.lock().unlocked());
        assertEquals(0, handler.lock().unlocks());
        assertTrue(o.superseded());
        assertFalse(o.executed());
        assertEquals(1, handler.supersededCount());
        assertEquals(AckStatus.REJECTED, o.ack().orElseThrow().status());
        assertEquals("SUPERSEDED", o.ack().orElseThrow().reason());
        // a newer UNLOCK still works
        assertTrue(handler.handle(Topics.command("door-1"), command("c-3", DoorAction.UNLOCK, 3000)).verdict()
                .accepted());
        assertTrue(handler.lock().unlocked());
    }

    @Test
    void commandThatExpiresInFlightIsRefused() {
        byte[] payload = command("c-1", DoorAction.UNLOCK, 3000); // expires 10 s after issue
        clock.advance(10_000);
        CommandHandler.Outcome o = handler.handle(Topics.command("door-1"), payload);
        assertEquals(RejectReason.EXPIRED, o.verdict().reason());
        assertFalse(handler.lock().unlocked());
        assertEquals(AckStatus.REJECTED, o.ack().orElseThrow().status());
        assertEquals("EXPIRED", o.ack().orElseThrow().reason());
    }

    @Test
    void forgedCommandGetsNoSignedAnswer() {
        byte[] forged = codec.encode(Signer.sign(DoorCommand.unsigned("c-9", "door-1", DoorAction.UNLOCK, 3000,
                clock.millis(), clock.millis() + 10_000, 1), Keys.generate()));
        CommandHandler.Outcome o = handler.handle(Topics.command("door-1"), forged);
        assertEquals(RejectReason.BAD_SIGNATURE, o.verdict().reason());
        assertTrue(o.ack().isEmpty());
        assertFalse(handler.lock().unlocked());
        assertEquals(0, handler.lock().unlocks());
    }

    private byte[] command(String id, DoorAction action, long duration) {
        return codec.encode(Signer.sign(DoorCommand.unsigned(id, "door-1", action, duration, clock.millis(),
                clock.millis() + 10_000, 1), key));
    }

    static final class MutableClock extends Clock {
        private long now;

        MutableClock(long now) {
            this.now = now;
        }

        void advance(long ms) {
            now += ms;
        }

        @Override
        public long millis() {
            return now;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(now);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }
}
