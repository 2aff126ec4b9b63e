package io.maskgate.firmware;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.maskgate.agent.actuator.ActuatorSimulator;
import io.maskgate.agent.actuator.CommandHandler;
import io.maskgate.agent.e2e.ServiceHarness;
import io.maskgate.agent.mqtt.BrokerSettings;
import io.maskgate.agent.service.ServiceClient;
import io.maskgate.agent.testing.TestBroker;
import io.maskgate.protocol.DoorAction;
import io.maskgate.protocol.Freshness;
import io.maskgate.protocol.HmacKey;
import io.maskgate.protocol.testing.TcpRelay;
import io.maskgate.service.mqtt.UnitPresence;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The firmware's main loop under real MicroPython (emulated camera: scene photos as frames, annotated face boxes
 * as the face finder, TFLM for the model) publishes through a real broker to the real service (real PostgreSQL):
 * decisions are accepted (signature, seq, topic), the masked camera's door unlocks, the unmasked camera's door gets
 * no command, decisions made while the broker is unreachable arrive afterwards, in order, and the unit's status
 * and last will are what the service reads.
 */
class FirmwareEndToEndIT {

    static TestBroker broker;
    static TcpRelay relay;
    static ServiceHarness service;
    static List<Path> masked;
    static List<Path> unmasked;

    @BeforeAll
    static void start() throws Exception {
        MicroPythonHost.require();
        MicroPythonHost.requireDataAndTflm();
        masked = SceneFrames.confident("mask", 6);
        unmasked = SceneFrames.confident("no_mask", 6);
        broker = TestBroker.start();
        relay = new TcpRelay(broker.host(), broker.port());
        service = ServiceHarness.start(relay.url());
    }

    @AfterAll
    static void stop() throws Exception {
        if (service != null) {
            service.close();
        }
        if (relay != null) {
            relay.close();
        }
    }

    @TempDir
    Path tmp;

    record Camera(String unitId, Process process, Path log) implements AutoCloseable {
        List<JsonNode> acknowledged(String kind) throws Exception {
            ObjectMapper json = new ObjectMapper();
            List<JsonNode> out = new ArrayList<>();
            for (String line : Files.readAllLines(log)) {
                if (line.startsWith("EMUL ") && line.contains("\"puback\"") && line.contains("/" + kind + "\"")) {
                    out.add(json.readTree(json.readTree(line.substring(5)).get("payload").asText()));
                }
            }
            return out;
        }

        @Override
        public void close() {
            process.destroyForcibly();
        }
    }

    private Camera camera(String unitId, String doorId, HmacKey key, List<Path> frames) throws Exception {
        Path dir = tmp.resolve(unitId);
        Path flash = Flash.create(dir.resolve("flash"), Map.of("unit_id", unitId, "door_id", doorId,
                "key", key.toBase64Url(), "wifi_ssid", "emulated", "broker_host", "127.0.0.1",
                "broker_port", relay.port(), "repeat_ms", 300, "status_every_ms", 2000));
        Path list = SceneFrames.writeList(dir.resolve("frames.txt"), frames);
        Path log = dir.resolve("camera.log");
        Process p = MicroPythonHost.start(List.of("run", "--flash", flash.toString(), "--frames", list.toString(),
                "--fps", "8"), log);
        return new Camera(unitId, p, log);
    }

    @Test
    void maskedFramesUnlockUnmaskedNeverAndEveryDecisionIsAccepted() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 6);
        String doorA = "fw-a-" + run;
        String doorB = "fw-b-" + run;
        ServiceClient api = service.client();
        HmacKey doorKeyA = api.createDoor(doorA, "masked camera door", null);
        HmacKey doorKeyB = api.createDoor(doorB, "unmasked camera door", null);
        HmacKey keyA = api.registerUnit("fw-cam-a-" + run, "firmware camera A", doorA);
        HmacKey keyB = api.registerUnit("fw-cam-b-" + run, "firmware camera B", doorB);
        BrokerSettings mqtt = BrokerSettings.anonymous(relay.url());
        Clock clock = Clock.systemUTC();
        AtomicLong unlocksA = new AtomicLong();
        AtomicLong commandsB = new AtomicLong();
        try (ActuatorSimulator actuatorA = new ActuatorSimulator(mqtt, CommandHandler.standard(doorA, doorKeyA, clock,
                Freshness.symmetric(Duration.ofSeconds(5))), (v, ack) -> {
                    if (v.accepted() && v.message().action() == DoorAction.UNLOCK) {
                        unlocksA.incrementAndGet();
                    }
                }).start();
             ActuatorSimulator actuatorB = new ActuatorSimulator(mqtt, CommandHandler.standard(doorB, doorKeyB, clock,
                     Freshness.symmetric(Duration.ofSeconds(5))), (v, ack) -> commandsB.incrementAndGet()).start();
             Camera a = camera("fw-cam-a-" + run, doorA, keyA, masked);
             Camera b = camera("fw-cam-b-" + run, doorB, keyB, unmasked)) {

            await(() -> accepted(a.unitId()).size() >= 20 && accepted(b.unitId()).size() >= 20,
                    "20 accepted decisions from each firmware unit", 180_000, a, b);
            await(() -> unlocksA.get() > 0, "door A (masked faces) unlocks", 30_000, a, b);
            UnitPresence presence = service.bean(UnitPresence.class);
            assertTrue(presence.isOnline(a.unitId()) && presence.isOnline(b.unitId()), "status says online");

            for (Camera c : List.of(a, b)) {
                List<JsonNode> events = service.events("unit=" + c.unitId() + "&kind=DECISION");
                List<JsonNode> refused = events.stream().filter(e -> !"ACCEPTED".equals(e.get("outcome").asText()))
                        .toList();
                assertTrue(refused.isEmpty(), "the service refused firmware decisions: " + refused);
                String expected = c == a ? "MASK" : "NO_MASK";
                assertTrue(events.stream().allMatch(e -> expected.equals(e.get("label").asText())),
                        c.unitId() + " decided other than " + expected + ": " + events);
                // every decision the broker acknowledged to the firmware is in the log with its seq, once
                List<Long> acked = c.acknowledged("decision").stream().map(d -> d.get("seq").asLong()).toList();
                List<Long> logged = events.stream().map(e -> e.get("seq").asLong()).sorted().toList();
                assertTrue(logged.containsAll(acked.subList(0, Math.min(acked.size(), 20))), "acked " + acked
                        + " logged " + logged);
                assertEquals(logged.stream().distinct().count(), logged.size(), "each seq logged once");
            }
            assertEquals(0, commandsB.get(), "door B (unmasked faces) must never receive a command");
            assertEquals(0, actuatorB.handler().lock().unlocks());
            assertTrue(service.events("door=" + doorB + "&kind=COMMAND").isEmpty());

            // last will: a camera that dies without a goodbye is reported offline by the broker
            a.process().destroyForcibly();
            await(() -> !presence.isOnline(a.unitId()), "the last will marks unit A offline", 60_000, b);
            assertTrue(presence.isOnline(b.unitId()));
        }
    }

    @Test
    void decisionsMadeDuringABrokerOutageArriveAfterwardsInOrder() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 6);
        String door = "fw-o-" + run;
        ServiceClient api = service.client();
        api.createDoor(door, "outage door", null);
        String unitId = "fw-cam-o-" + run;
        HmacKey key = api.registerUnit(unitId, "firmware camera, outage", door);
        try (Camera c = camera(unitId, door, key, masked)) {
            await(() -> accepted(unitId).size() >= 3, "decisions before the outage", 120_000, c);
            relay.cut();
            long cutAt = System.currentTimeMillis();
            Thread.sleep(8_000); // the outage itself: the camera keeps running at 8 fps
            long restoredAt = System.currentTimeMillis();
            relay.restore();
            assertTrue(service.awaitMqttConnected(60_000), "the service reconnects");
            await(() -> c.acknowledged("decision").stream()
                    .anyMatch(d -> d.get("capturedAt").asLong() > restoredAt + 2_000), "fresh decisions after", 90_000, c);
            c.process().destroyForcibly();
            c.process().waitFor();

            List<JsonNode> acked = c.acknowledged("decision");
            List<Long> seqs = acked.stream().map(d -> d.get("seq").asLong()).distinct().toList();
            for (int i = 0; i < seqs.size(); i++) {
                assertEquals(i + 1, seqs.get(i), "seqs reach the broker in order, none missing: " + seqs);
            }
            long duringOutage = acked.stream().map(d -> d.get("capturedAt").asLong())
                    .filter(t -> t > cutAt + 500 && t < restoredAt).count();
            assertTrue(duringOutage >= 2, "decisions made during the outage were buffered and sent: " + duringOutage);
            await(() -> decisionEvents(unitId).size() >= seqs.size(), "every decision in the event log", 60_000);
            List<Long> byArrival = decisionEvents(unitId).stream()
                    .sorted(Comparator.comparingLong(e -> e.get("id").asLong())).map(e -> e.get("seq").asLong())
                    .toList();
            // the kill may come between a publish and its PUBACK: the service can hold one decision more than the
            // camera logged as acknowledged, never fewer, never out of order
            assertTrue(byArrival.size() >= seqs.size(), "logged " + byArrival + " acked " + seqs);
            for (int i = 0; i < byArrival.size(); i++) {
                assertEquals(i + 1, byArrival.get(i), "logged once each, in the order made: " + byArrival);
            }
        }
    }

    private static List<JsonNode> decisionEvents(String unit) throws Exception {
        return service.events("unit=" + unit + "&kind=DECISION");
    }

    private static List<JsonNode> accepted(String unit) throws Exception {
        return decisionEvents(unit).stream().filter(e -> "ACCEPTED".equals(e.get("outcome").asText())).toList();
    }

    interface Condition {
        boolean holds() throws Exception;
    }

    static void await(Condition condition, String what, long timeoutMs, Camera... cameras) throws Exception {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (!condition.holds()) {
            for (Camera c : cameras) {
                assertFalse(!c.process().isAlive() && c.process().exitValue() != 0 && c.process().exitValue() != 137,
                        c.unitId() + " stopped:\n" + Files.readString(c.log()));
            }
            if (System.currentTimeMillis() > deadline) {
                StringBuilder logs = new StringBuilder();
                for (Camera c : cameras) {
                    List<String> lines = Files.readAllLines(c.log());
                    logs.append("\n--- ").append(c.unitId()).append(" (last lines)\n")
                            .append(String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size())));
                }
                throw new AssertionError("timed out waiting for " + what + logs);
            }
            Thread.sleep(200);
        }
    }
}
