package io.maskgate.agent.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.maskgate.agent.DoorUnit;
import io.maskgate.agent.UnitSettings;
import io.maskgate.agent.actuator.ActuatorSimulator;
import io.maskgate.agent.actuator.CommandHandler;
import io.maskgate.agent.demo.PlaceholderFaces;
import io.maskgate.agent.frames.FolderFrameSource;
import io.maskgate.agent.inference.FolderLabelClassifier;
import io.maskgate.agent.mqtt.BrokerSettings;
import io.maskgate.agent.mqtt.MqttLink;
import io.maskgate.agent.mqtt.OfflineBuffer;
import io.maskgate.agent.service.ServiceClient;
import io.maskgate.protocol.testing.TcpRelay;
import io.maskgate.agent.testing.TestBroker;
import io.maskgate.protocol.Decision;
import io.maskgate.protocol.DoorAction;
import io.maskgate.protocol.Freshness;
import io.maskgate.protocol.HmacKey;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 5, acceptance 1: two agents and two actuators against the real service through the real broker. The unit
 * watching door A only sees masked faces, the one at door B only unmasked faces: door A unlocks, door B never gets
 * a command, and every decision of both units is in the event log exactly once, accepted.
 */
class EndToEndIT {

    static TestBroker broker;
    /** Everything (service, units, actuators) reaches the broker through this relay, so a test can cut it. */
    static TcpRelay relay;
    static ServiceHarness service;

    @BeforeAll
    static void start() throws Exception {
        broker = TestBroker.start();
        relay = new TcpRelay(broker.host(), broker.port());
        service = ServiceHarness.start(relay.url());
    }

    @AfterAll
    static void stop() throws Exception {
        if (service != null) {
            service.close();
        }
        relay.close();
        broker.close();
    }

    @TempDir
    Path tmp;

    @Test
    void maskedFacesUnlockUnmaskedNeverAndEveryDecisionIsLogged() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 6);
        String doorA = "e2e-a-" + run;
        String doorB = "e2e-b-" + run;
        String unitA = "cam-a-" + run;
        String unitB = "cam-b-" + run;
        ServiceClient api = service.client();
        HmacKey doorKeyA = api.createDoor(doorA, "masked faces", null);
        HmacKey doorKeyB = api.createDoor(doorB, "unmasked faces", null);
        HmacKey keyA = api.registerUnit(unitA, "camera A", doorA);
        HmacKey keyB = api.registerUnit(unitB, "camera B", doorB);

        Path faces = PlaceholderFaces.write(tmp.resolve("faces"), 3, 5);
        BrokerSettings mqtt = BrokerSettings.anonymous(relay.url());
        Clock clock = Clock.systemUTC();
        CountDownLatch unlockedA = new CountDownLatch(1);
        AtomicLong commandsB = new AtomicLong();
        List<AutoCloseable> closing = new ArrayList<>();
        try {
            closing.add(new ActuatorSimulator(mqtt, CommandHandler.standard(doorA, doorKeyA, clock,
                    Freshness.symmetric(Duration.ofSeconds(5))), (v, ack) -> {
                        if (v.accepted() && v.message().action() == DoorAction.UNLOCK) {
                            unlockedA.countDown();
                        }
                    }).start());
            ActuatorSimulator actuatorB = new ActuatorSimulator(mqtt, CommandHandler.standard(doorB, doorKeyB, clock,
                    Freshness.symmetric(Duration.ofSeconds(5))), (v, ack) -> commandsB.incrementAndGet()).start();
            closing.add(actuatorB);

            Unit a = unit(unitA, doorA, keyA, faces.resolve("mask"), mqtt, clock, closing);
            Unit b = unit(unitB, doorB, keyB, faces.resolve("no_mask"), mqtt, clock, closing);
            for (int i = 0; i < 14; i++) {
                a.door().step().ifPresent(a.published()::add);
                b.door().step().ifPresent(b.published()::add);
            }
            assertTrue(a.published().size() >= 5 && b.published().size() >= 5, "both units decided");
            await(() -> a.link().queueDepth() == 0 && b.link().queueDepth() == 0, "decisions published", 15_000);

            assertTrue(unlockedA.await(15, TimeUnit.SECONDS), "door A (masked faces) must unlock");
            for (Unit u : List.of(a, b)) {
                List<Long> seqs = u.published().stream().map(Decision::seq).toList();
                await(() -> loggedSeqs(u.id()).size() >= seqs.size(), "decisions of " + u.id() + " in the event log",
                        20_000);
                List<Long> logged = loggedSeqs(u.id());
                assertEquals(seqs.size(), logged.size(), "each decision logged exactly once: " + logged);
                assertEquals(new java.util.TreeSet<>(seqs), new java.util.TreeSet<>(logged));
            }
            assertEquals(0, commandsB.get(), "door B (unmasked faces) must never receive a command");
            assertEquals(0, actuatorB.handler().lock().unlocks());
            assertTrue(service.events("door=" + doorB + "&kind=COMMAND").isEmpty(), "no command for door B logged");
            assertTrue(!service.events("door=" + doorA + "&kind=COMMAND").isEmpty(), "door A's command logged");
        } finally {
            for (AutoCloseable c : closing) {
                c.close();
            }
        }
    }

    /**
     * Acceptance 2: the broker is unreachable for 10 s for everyone (service, unit, actuator) while the unit keeps
     * seeing masked faces. No door unlocks during the outage; afterwards every buffered decision reaches the service
     * in the order made and is logged exactly once.
     */
    @Test
    void brokerOutageBuffersDecisionsAndNothingUnlocksMeanwhile() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 6);
        String door = "e2e-o-" + run;
        String unitId = "cam-o-" + run;
        ServiceClient api = service.client();
        HmacKey doorKey = api.createDoor(door, "outage door", null);
        HmacKey key = api.registerUnit(unitId, "outage camera", door);
        Path faces = PlaceholderFaces.write(tmp.resolve("faces"), 2, 9);
        BrokerSettings mqtt = BrokerSettings.anonymous(relay.url());
        Clock clock = Clock.systemUTC();
        List<long[]> unlocks = new java.util.concurrent.CopyOnWriteArrayList<>(); // {handled at, issued at}
        List<AutoCloseable> closing = new ArrayList<>();
        try {
            closing.add(new ActuatorSimulator(mqtt, CommandHandler.standard(door, doorKey, clock,
                    Freshness.symmetric(Duration.ofSeconds(5))), (v, ack) -> {
                        if (v.accepted() && v.message().action() == DoorAction.UNLOCK) {
                            unlocks.add(new long[] {System.currentTimeMillis(), v.message().issuedAt()});
                        }
                    }).start());
            Unit u = unit(unitId, door, key, faces.resolve("mask"), mqtt, clock, closing);
            for (int i = 0; i < 6; i++) {
                u.door().step().ifPresent(u.published()::add);
            }
            await(() -> !unlocks.isEmpty(), "an unlock before the outage", 15_000);

            long cutAt = System.currentTimeMillis();
            relay.cut();
            await(() -> !u.link().connected(), "the unit notices the outage", 10_000);
            int before = u.published().size();
            while (System.currentTimeMillis() - cutAt < 10_000) { // 10 s outage, the unit keeps running at 10 fps
                u.door().step().ifPresent(u.published()::add);
                Thread.sleep(100);
            }
            assertTrue(u.published().size() - before >= 30, "the unit kept deciding during the outage");
            assertTrue(u.link().queueDepth() >= u.published().size() - before, "decisions wait in the buffer");
            long restoredAt = System.currentTimeMillis();
            relay.restore();

            await(() -> u.link().queueDepth() == 0, "buffer drained after the outage", 30_000);
            // backoff 1, 2, 4, 8, 16 s during the 10 s outage: the next attempt comes within ~16 s of the restore
            assertTrue(service.awaitMqttConnected(60_000), "the service reconnects to the broker");
            List<Long> made = u.published().stream().map(Decision::seq).toList();
            await(() -> decisionEvents(unitId).size() >= made.size(), "every decision in the event log", 60_000);
            List<JsonNode> events = decisionEvents(unitId);
            List<Long> byArrival = events.stream().sorted(java.util.Comparator.comparingLong(e -> e.get("id").asLong()))
                    .map(e -> e.get("seq").asLong()).toList();
            assertEquals(made, byArrival, "logged once each, in the order made");
            // A command the actuator had already read off the socket may finish on its callback thread just after
            // the cut; that unlock was caused before the outage. Nothing issued during it may unlock, and nothing
            // may be handled later than that short tail.
            for (long[] unlock : unlocks) {
                long handled = unlock[0];
                long issued = unlock[1];
                if (handled >= cutAt && handled <= restoredAt) {
                    assertTrue(issued < cutAt && handled - cutAt < 1_000,
                            "a door unlocked during the outage at " + handled + " for a command issued at " + issued
                                    + " (outage began " + cutAt + ")");
                }
            }
        } finally {
            for (AutoCloseable c : closing) {
                c.close();
            }
        }
    }

    /** Every DECISION event of a unit, whatever its outcome. */
    private static List<JsonNode> decisionEvents(String unit) throws Exception {
        return service.events("unit=" + unit + "&kind=DECISION");
    }

    record Unit(String id, DoorUnit door, MqttLink link, List<Decision> published) {
    }

    private static Unit unit(String id, String door, HmacKey key, Path frames, BrokerSettings mqtt, Clock clock,
                             List<AutoCloseable> closing) throws Exception {
        AtomicReference<DoorUnit> ref = new AtomicReference<>();
        MqttLink link = new MqttLink(mqtt, id, () -> ref.get().statusPayload(false), new OfflineBuffer(1000)).start();
        closing.add(link);
        DoorUnit unit = new DoorUnit(new UnitSettings(id, door, 3, 5, 500, 0, 1, 0, 60_000),
                new FolderFrameSource(frames, 5, 2, 1, true), new FolderLabelClassifier(), link, key, clock,
                DoorUnit.firstSeqFor(clock));
        ref.set(unit);
        return new Unit(id, unit, link, new ArrayList<>());
    }

    /** Seqs of the ACCEPTED decision events of a unit (one entry per event row). */
    private static List<Long> loggedSeqs(String unit) throws Exception {
        List<Long> seqs = new ArrayList<>();
        for (JsonNode e : service.events("unit=" + unit + "&kind=DECISION")) {
            if ("ACCEPTED".equals(e.get("outcome").asText())) {
                seqs.add(e.get("seq").asLong());
            }
        }
        return seqs;
    }

    static void await(BooleanSupplierX condition, String what, long timeoutMs) throws Exception {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (!condition.get()) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(50);
        }
    }

    @FunctionalInterface
    interface BooleanSupplierX {
        boolean get() throws Exception;
    }
}
