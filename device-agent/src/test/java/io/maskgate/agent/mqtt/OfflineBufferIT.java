package io.maskgate.agent.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.maskgate.agent.DoorUnit;
import io.maskgate.agent.UnitSettings;
import io.maskgate.agent.frames.Frame;
import io.maskgate.agent.inference.FolderLabelClassifier;
import io.maskgate.agent.testing.Subscriber;
import io.maskgate.protocol.testing.TcpRelay;
import io.maskgate.agent.testing.TestBroker;
import io.maskgate.protocol.Credentials;
import io.maskgate.protocol.Decision;
import io.maskgate.protocol.DecisionVerifier;
import io.maskgate.protocol.Freshness;
import io.maskgate.protocol.HmacKey;
import io.maskgate.protocol.InMemorySequenceState;
import io.maskgate.protocol.KeyLookup;
import io.maskgate.protocol.Keys;
import io.maskgate.protocol.Label;
import io.maskgate.protocol.MessageCodec;
import io.maskgate.protocol.Topics;
import io.maskgate.protocol.UnitStatus;
import io.maskgate.protocol.Verdict;
import java.awt.image.BufferedImage;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Broker outage over real connections: the unit reaches the real broker through a TCP relay that the test cuts.
 * While cut, decisions wait in the offline buffer and the broker publishes the unit's last will (offline); once
 * restored, every decision arrives, in order, each seq at least once, all with valid signatures.
 */
class OfflineBufferIT {

    static TestBroker broker;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = TestBroker.start();
    }

    @AfterAll
    static void stopBroker() throws Exception {
        broker.close();
    }

    @Test
    void decisionsMadeDuringAnOutageArriveInOrderAfterReconnect() throws Exception {
        String unit = "unit-it-" + UUID.randomUUID().toString().substring(0, 8);
        HmacKey key = Keys.generate();
        Clock clock = Clock.systemUTC();
        MessageCodec codec = new MessageCodec();
        BufferedImage face = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
        UnitSettings settings = new UnitSettings(unit, "door-1", 3, 5, 500, 0, 1, 0, 60_000);
        List<Decision> made = new ArrayList<>();

        try (TcpRelay proxy = new TcpRelay(broker.host(), broker.port());
             Subscriber watcher = new Subscriber(broker.url(), "maskgate/v1/units/" + unit + "/#")) {
            AtomicReference<DoorUnit> unitRef = new AtomicReference<>();
            MqttLink link = new MqttLink(BrokerSettings.anonymous(proxy.url()), unit,
                    () -> unitRef.get().statusPayload(false), new OfflineBuffer(1000));
            DoorUnit doorUnit = new DoorUnit(settings, () -> Frame.faceCrop(face, "face.jpg", Label.MASK),
                    new FolderLabelClassifier(), link, key, clock, 1);
            unitRef.set(doorUnit);
            link.start();
            try {
                for (int i = 0; i < 12; i++) {
                    doorUnit.step().ifPresent(made::add);
                }
                await(() -> link.published() == made.size(), "first decisions published");

                proxy.cut();
                await(() -> !link.connected(), "link notices the outage");
                for (int i = 0; i < 30; i++) {
                    doorUnit.step().ifPresent(made::add);
                }
                assertEquals(40, made.size());
                assertTrue(link.queueDepth() >= 29, "decisions wait in the buffer, depth " + link.queueDepth());
                assertFalse(link.connected());

                proxy.restore();
                await(() -> link.queueDepth() == 0, "buffer drained after reconnect");
                assertTrue(link.reconnects() >= 1);
            } finally {
                link.close();
            }

            List<Long> expected = made.stream().map(Decision::seq).toList();
            assertTrue(watcher.awaitCount(expected.size(), 10_000), "not every decision arrived");
            DecisionVerifier verifier = new DecisionVerifier(codec,
                    KeyLookup.of(Map.of(unit, Credentials.enabled(key))), new InMemorySequenceState(), clock,
                    new Freshness(Duration.ofMinutes(5), Duration.ofSeconds(5)));
            List<Long> arrivedFirstTime = new ArrayList<>();
            Set<Long> seen = new LinkedHashSet<>();
            List<Boolean> onlineStates = new ArrayList<>();
            for (Subscriber.Received r : watcher.received()) {
                if (r.topic().equals(Topics.decision(unit))) {
                    Decision d = codec.decodeDecision(r.payload());
                    if (seen.add(d.seq())) {
                        arrivedFirstTime.add(d.seq());
                        Verdict<Decision> v = verifier.verify(r.topic(), r.payload());
                        assertTrue(v.accepted(), v.detail());
                    }
                } else if (r.topic().equals(Topics.status(unit)) && r.payload().length > 0) {
                    UnitStatus s = codec.decodeStatus(r.payload());
                    onlineStates.add(s.online());
                }
            }
            assertEquals(expected, arrivedFirstTime, "every decision, in the order it was made");
            assertTrue(onlineStates.contains(false), "the last will (offline status) fired during the outage");
            // a replayed delivery would be rejected by the service: seqs are strictly increasing
            for (int i = 1; i < expected.size(); i++) {
                assertTrue(expected.get(i) > expected.get(i - 1));
            }
            new Subscriber(broker.url(), null).publishRetainedClear(Topics.status(unit));
        }
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 15_000;
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("timed out waiting: " + what);
            }
            Thread.sleep(20);
        }
    }
}
