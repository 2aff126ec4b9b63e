package io.maskgate.agent.actuator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.maskgate.agent.mqtt.BrokerSettings;
import io.maskgate.agent.testing.Subscriber;
import io.maskgate.agent.testing.TestBroker;
import io.maskgate.protocol.AckStatus;
import io.maskgate.protocol.AckVerifier;
import io.maskgate.protocol.CommandAck;
import io.maskgate.protocol.Credentials;
import io.maskgate.protocol.DoorAction;
import io.maskgate.protocol.DoorCommand;
import io.maskgate.protocol.Freshness;
import io.maskgate.protocol.HmacKey;
import io.maskgate.protocol.Keys;
import io.maskgate.protocol.KeyLookup;
import io.maskgate.protocol.MessageCodec;
import io.maskgate.protocol.RejectReason;
import io.maskgate.protocol.Signer;
import io.maskgate.protocol.Topics;
import io.maskgate.protocol.Verdict;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Acceptance 3 of the device-agent issue, over a real broker: forged, tampered, expired (late), wrong-door,
 * replayed and malformed commands all leave the simulated door locked; only the valid command unlocks, once.
 */
class ActuatorHostileCommandIT {

    static TestBroker broker;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = TestBroker.start();
    }

    @AfterAll
    static void stopBroker() throws Exception {
        broker.close();
    }

    record Seen(Verdict<DoorCommand> verdict, CommandAck ack) {
    }

    @Test
    void hostileCommandsLeaveTheDoorLockedAndOnlyTheValidOneUnlocksOnce() throws Exception {
        String door = "door-it-" + UUID.randomUUID().toString().substring(0, 8);
        HmacKey doorKey = Keys.generate();
        Clock clock = Clock.systemUTC();
        MessageCodec codec = new MessageCodec();
        BlockingQueue<Seen> seen = new LinkedBlockingQueue<>();
        CommandHandler handler = CommandHandler.standard(door, doorKey, clock, Freshness.symmetric(Duration.ofSeconds(5)));
        DoorLock lock = handler.lock();
        try (Subscriber acks = new Subscriber(broker.url(), Topics.ack(door));
             Subscriber attacker = new Subscriber(broker.url(), null);
             ActuatorSimulator actuator = new ActuatorSimulator(BrokerSettings.anonymous(broker.url()), handler,
                     (v, ack) -> seen.add(new Seen(v, ack))).start()) {
            long now = clock.millis();
            String topic = Topics.command(door);

            // forged: signed with a key that is not the door's
            DoorCommand forged = Signer.sign(DoorCommand.unsigned(id(), door, DoorAction.UNLOCK, 5000, now,
                    now + 10_000, 1), Keys.generate());
            assertRefused(attacker, seen, lock, topic, codec.encode(forged), RejectReason.BAD_SIGNATURE, false);

            // tampered: a valid short unlock with its duration stretched after signing
            DoorCommand shortOne = Signer.sign(DoorCommand.unsigned(id(), door, DoorAction.UNLOCK, 100, now,
                    now + 10_000, 1), doorKey);
            byte[] stretched = new String(codec.encode(shortOne), StandardCharsets.UTF_8)
                    .replace("\"durationMs\":100", "\"durationMs\":600000").getBytes(StandardCharsets.UTF_8);
            assertRefused(attacker, seen, lock, topic, stretched, RejectReason.BAD_SIGNATURE, false);

            // expired: a genuine command delivered after its expiry (late delivery)
            DoorCommand late = Signer.sign(DoorCommand.unsigned(id(), door, DoorAction.UNLOCK, 5000, now - 20_000,
                    now - 10_000, 1), doorKey);
            assertRefused(attacker, seen, lock, topic, codec.encode(late), RejectReason.EXPIRED, true);

            // wrong door: a genuine-looking command naming another door, sent to this door's topic
            DoorCommand otherDoor = Signer.sign(DoorCommand.unsigned(id(), "door-elsewhere", DoorAction.UNLOCK, 5000,
                    now, now + 10_000, 1), doorKey);
            assertRefused(attacker, seen, lock, topic, codec.encode(otherDoor), RejectReason.WRONG_DOOR, false);

            // malformed
            assertRefused(attacker, seen, lock, topic, "UNLOCK NOW".getBytes(StandardCharsets.UTF_8),
                    RejectReason.MALFORMED, false);

            // the one valid command unlocks
            DoorCommand valid = Signer.sign(DoorCommand.unsigned(id(), door, DoorAction.UNLOCK, 300, clock.millis(),
                    clock.millis() + 10_000, 1), doorKey);
            byte[] validPayload = codec.encode(valid);
            attacker.publish(topic, validPayload);
            Seen ok = seen.poll(5, TimeUnit.SECONDS);
            assertNotNull(ok, "valid command not processed");
            assertTrue(ok.verdict().accepted(), () -> "valid command refused: " + ok.verdict().detail());
            assertTrue(lock.unlocked(), "valid UNLOCK must unlock");
            assertEquals(AckStatus.DONE, ok.ack().status());

            // it relocks by itself after the commanded 300 ms
            long deadline = System.currentTimeMillis() + 3000;
            while (lock.unlocked() && System.currentTimeMillis() < deadline) {
                Thread.onSpinWait();
            }
            assertFalse(lock.unlocked(), "door must relock after the duration");

            // replay of the valid (still unexpired) command: not executed again, original ack repeated
            attacker.publish(topic, validPayload);
            Seen replay = seen.poll(5, TimeUnit.SECONDS);
            assertNotNull(replay);
            assertEquals(RejectReason.REPLAY, replay.verdict().reason());
            assertFalse(lock.unlocked(), "a replayed command must not unlock");
            assertEquals(ok.ack(), replay.ack(), "the original DONE ack is repeated for a retried command");

            assertEquals(1, lock.unlocks(), "exactly one unlock in total");
            assertEquals(Map.of(RejectReason.BAD_SIGNATURE, 2L, RejectReason.EXPIRED, 1L, RejectReason.WRONG_DOOR, 1L,
                    RejectReason.MALFORMED, 1L, RejectReason.REPLAY, 1L), handler.rejectedByReason());

            // acks on the wire are signed with the door key: REJECTED(EXPIRED), DONE, DONE (repeat)
            assertTrue(acks.awaitCount(3, 5000), "expected 3 acks, got " + acks.received().size());
            AckVerifier verifier = new AckVerifier(codec, KeyLookup.of(Map.of(door, Credentials.enabled(doorKey))),
                    clock, Freshness.symmetric(Duration.ofSeconds(30)));
            List<CommandAck> onWire = acks.received().stream()
                    .map(r -> verifier.verify(r.topic(), r.payload()))
                    .peek(v -> assertTrue(v.accepted(), v.detail()))
                    .map(Verdict::message).toList();
            assertEquals(List.of(AckStatus.REJECTED, AckStatus.DONE, AckStatus.DONE),
                    onWire.stream().map(CommandAck::status).toList());
            assertEquals("EXPIRED", onWire.get(0).reason());
            assertEquals(valid.commandId(), onWire.get(1).commandId());
        }
    }

    private static void assertRefused(Subscriber attacker, BlockingQueue<Seen> seen, DoorLock lock, String topic,
                                      byte[] payload, RejectReason expected, boolean expectAck) throws Exception {
        attacker.publish(topic, payload);
        Seen s = seen.poll(5, TimeUnit.SECONDS);
        assertNotNull(s, "command not processed: expected " + expected);
        assertEquals(expected, s.verdict().reason(), s.verdict().detail());
        assertFalse(lock.unlocked(), expected + " must leave the door locked");
        if (expectAck) {
            assertNotNull(s.ack());
            assertEquals(AckStatus.REJECTED, s.ack().status());
        } else {
            assertNull(s.ack(), "no signed answer to an unauthenticated command");
        }
    }

    private static String id() {
        return UUID.randomUUID().toString();
    }
}
