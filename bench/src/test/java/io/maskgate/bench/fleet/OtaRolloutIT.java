package io.maskgate.bench.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.maskgate.agent.e2e.ServiceHarness;
import io.maskgate.agent.mqtt.BrokerSettings;
import io.maskgate.agent.ota.OtaUnit;
import io.maskgate.agent.service.ServiceClient;
import io.maskgate.agent.testing.TestBroker;
import io.maskgate.protocol.FleetKey;
import io.maskgate.protocol.HmacKey;
import io.maskgate.service.audit.AuditLog;
import io.maskgate.service.model.ModelRegistry;
import io.maskgate.service.mqtt.UnitPresence;
import io.maskgate.tinyml.model.TfliteModel;
import io.maskgate.tinyml.writer.TfliteWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 9, acceptance 2 to 5: staged model rollouts through the real service, the real broker and PostgreSQL to
 * simulated units running the real unit-side OTA code ({@link OtaUnit}: two slots, signature and hash checks,
 * tinyml self-tests). Every test has its own doors, units and model version, so they share one service.
 */
class OtaRolloutIT {

    static TestBroker broker;
    static ServiceHarness service;
    static ServiceClient api;
    static FleetKey fleetPublic;
    static byte[] v1;
    static String v1Version;
    static String labels;
    static final String RUN = UUID.randomUUID().toString().substring(0, 6);

    @BeforeAll
    static void start() throws Exception {
        broker = TestBroker.start();
        service = ServiceHarness.start(broker.url());
        api = service.client();
        fleetPublic = FleetKey.parsePublic(api.get("api/ota/fleet-key").get("publicKey").asText());
        Path shipped = Path.of("").toAbsolutePath().getParent().resolve("models/maskgate-tiny-v1");
        v1 = Files.readAllBytes(shipped.resolve("model.tflite"));
        labels = Files.readString(shipped.resolve("labels.txt"));
        v1Version = "maskgate-tiny-v1";
        assertEquals("READY", api.get("api/models/" + v1Version).get("status").asText(),
                "the shipped model is registered at first start and passes the gate");
    }

    @AfterAll
    static void stop() {
        if (service != null) {
            service.close();
        }
    }

    /** The shipped model re-tagged (new description, so new bytes and hash): same weights, passes the gate. */
    static final Map<String, Integer> SIZES = new java.util.concurrent.ConcurrentHashMap<>();

    static String publishRetagged(String version) throws Exception {
        TfliteModel m = TfliteModel.read(v1);
        byte[] bytes = TfliteWriter.write(new TfliteModel(m.tensors(), m.operators(), m.inputs(), m.outputs(),
                m.version(), version, 0));
        ModelRegistry.Published p = service.bean(ModelRegistry.class).publish("e2e-admin", version, bytes, null,
                labels, null, v1Version);
        assertTrue(p.report().passed(), "gate: " + p.report().refusal());
        SIZES.put(version, bytes.length);
        return version;
    }

    record Fleet(OtaFleet fleet, List<String> doors) {
    }

    /** Registers units at {@code doors} doors (unit i at door i % doors) and starts them with v1 in slot A. */
    static Fleet fleet(String tag, int units, int doors, Map<Integer, OtaFleet.Faults> faults) throws Exception {
        List<String> doorIds = new ArrayList<>();
        for (int d = 0; d < doors; d++) {
            String door = tag + "-d" + d + "-" + RUN;
            api.createDoor(door, "door " + door, null);
            doorIds.add(door);
        }
        OtaFleet fleet = new OtaFleet(BrokerSettings.anonymous(broker.url()), fleetPublic, v1Version, v1, 1);
        for (int i = 0; i < units; i++) {
            String unit = String.format("%s-u%02d-%s", tag, i, RUN);
            HmacKey key = api.registerUnit(unit, "unit " + unit, doorIds.get(i % doors));
            fleet.add(unit, key, faults.getOrDefault(i, OtaFleet.Faults.NONE));
        }
        fleet.start();
        UnitPresence presence = service.bean(UnitPresence.class);
        await("units online", 60_000, () -> fleet.units().stream().allMatch(u -> presence.isOnline(u.unitId())));
        return new Fleet(fleet, doorIds);
    }

    static void await(String what, long timeoutMs, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(100);
        }
    }

    static JsonNode rollout(long id) {
        try {
            return api.get("api/rollouts/" + id);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String status(long id) {
        return rollout(id).get("rollout").get("status").asText();
    }

    static Map<String, JsonNode> actions(long id) throws Exception {
        Map<String, JsonNode> out = new HashMap<>();
        api.get("api/rollouts/" + id + "/actions").forEach(a -> out.put(a.get("unitId").asText(), a));
        return out;
    }

    static long create(String version, List<String> doors, Map<String, Object> extra) throws Exception {
        Map<String, Object> body = new HashMap<>(Map.of("version", version,
                "target", Map.of("type", "DOORS", "values", doors)));
        body.putAll(extra);
        JsonNode created = api.post("api/rollouts", body);
        return created.get("rollout").get("id").asLong();
    }

    /**
     * The unit's own log shows a model in use at every instant, only ever a gated version, and it never changed to
     * a version without a passing ACTIVATED (verified) step or a revert.
     */
    static void neverWithoutWorkingModel(OtaFleet.SimUnit u, Set<String> gated) {
        List<OtaUnit.LogEntry> log = u.log();
        assertFalse(log.isEmpty(), u.unitId() + " has a log");
        assertTrue(log.get(0).event().startsWith("boot"), u.unitId() + " log starts at boot: " + log.get(0));
        String previous = null;
        for (OtaUnit.LogEntry e : log) {
            assertNotNull(e.running(), u.unitId() + ": no model at " + e);
            assertTrue(gated.contains(e.running()), u.unitId() + " ran an ungated model: " + e);
            if (previous != null && !previous.equals(e.running())) {
                assertTrue(e.event().startsWith("activated") || e.event().startsWith("reverted")
                        || e.event().startsWith("boot"), u.unitId() + " changed model outside activation: " + e);
            }
            previous = e.running();
        }
    }

    @Test
    void canaryThenTwoWavesReachEveryUnitWithProvenModels() throws Exception {
        String v2 = publishRetagged("tiny-v1-retag-" + RUN);
        Fleet f = fleet("ro", 50, 5, Map.of());
        try (OtaFleet fleet = f.fleet()) {
            long id = create(v2, f.doors(), Map.of("name", "IT rollout", "canary", 5, "waves", List.of(50, 100),
                    "successThreshold", 100, "errorThreshold", 20));
            assertEquals("READY", status(id));
            api.post("api/rollouts/" + id + "/start", null);
            await("rollout finished", 120_000, () -> status(id).equals("FINISHED"));

            JsonNode view = rollout(id);
            assertEquals(3, view.get("groups").size());
            int[] sizes = {5, 23, 22};
            for (int g = 0; g < 3; g++) {
                JsonNode group = view.get("groups").get(g);
                assertEquals("FINISHED", group.get("status").asText());
                assertEquals(sizes[g], group.get("units").asInt(), group.toString());
                assertEquals(sizes[g], group.get("actions").get("SUCCEEDED").asInt(), group.toString());
            }
            Map<String, JsonNode> actions = actions(id);
            for (OtaFleet.SimUnit u : fleet.units()) {
                assertEquals(v2, u.running(), u.unitId());
                assertTrue(u.log().stream().anyMatch(e -> e.event().startsWith("SELF_TEST_PASSED")), u.unitId());
                JsonNode a = actions.get(u.unitId());
                assertEquals("SUCCEEDED", a.get("status").asText());
                assertEquals(SIZES.get(v2), a.get("bytes").asInt(), "the unit reported the installed model's size");
                assertEquals(20480, a.get("arenaBytes").asInt(), "and its arena, measured by tinyml on the unit");
                assertEquals(v1Version, a.get("previousVersion").asText());
                neverWithoutWorkingModel(u, Set.of(v1Version, v2));
            }
            // a group starts only after the previous one finished
            List<String> order = new ArrayList<>();
            for (JsonNode e : api.get("api/rollouts/" + id + "/events")) {
                String ev = e.get("event").asText();
                if (ev.startsWith("GROUP_")) {
                    order.add(ev + " " + e.get("detail").asText().split(":")[0]);
                }
            }
            assertEquals(List.of("GROUP_STARTED canary", "GROUP_FINISHED canary", "GROUP_STARTED wave 1",
                    "GROUP_FINISHED wave 1", "GROUP_STARTED wave 2", "GROUP_FINISHED wave 2"), order);
            long unitEvents = 0;
            for (JsonNode e : api.get("api/rollouts/" + id + "/events?limit=10000")) {
                if (e.get("event").asText().equals("SELF_TEST_PASSED")) {
                    unitEvents++;
                }
            }
            assertEquals(50, unitEvents, "every unit's success is in the rollout's events");
            List<String> audited = service.bean(AuditLog.class).latest(500).stream()
                    .filter(a -> ("rollout " + id).equals(a.target())).map(AuditLog.Entry::action).toList();
            assertTrue(audited.containsAll(List.of("ROLLOUT_CREATED", "ROLLOUT_STARTED")), audited.toString());
            assertTrue(api.get("api/fleet/models").get("unitsByModelVersion").get(v2).asLong() >= 50);
        }
    }

    @Test
    void faultsPauseAtTheErrorThresholdFailingUnitsRevertAndRollbackLeavesEveryUnitOnAGatedModel() throws Exception {
        String v2 = publishRetagged("tiny-v1-fault-" + RUN);
        // BY_DOOR order: the canary is door 0's units (0, 4, 8, ...); door 0 holds every fault
        Map<Integer, OtaFleet.Faults> faults = Map.of(
                0, OtaFleet.Faults.corruptChunk(),
                4, OtaFleet.Faults.wrongKey(),
                8, OtaFleet.Faults.selfTestFails(),
                12, OtaFleet.Faults.selfTestFails(),
                16, OtaFleet.Faults.neverAnswers(),
                20, OtaFleet.Faults.cutAt(v1.length / 2));
        Fleet f = fleet("fa", 40, 4, faults);
        try (OtaFleet fleet = f.fleet()) {
            long id = create(v2, f.doors(), Map.of("canary", 10, "waves", List.of(50, 100), "order", "BY_DOOR",
                    "successThreshold", 80, "errorThreshold", 30, "actionDeadline", "PT8S"));
            api.post("api/rollouts/" + id + "/start", null);
            await("paused at the error threshold", 60_000, () -> status(id).equals("PAUSED"));
            JsonNode view = rollout(id);
            assertTrue(view.get("rollout").get("statusReason").asText().contains("error threshold"));
            assertEquals("ERROR", view.get("groups").get(0).get("status").asText());
            assertEquals("SCHEDULED", view.get("groups").get(1).get("status").asText(), "no wave after the canary");
            // the silent unit times out; the unit cut off mid-download comes back and finishes
            String silent = fleet.units().stream().filter(u -> u.unitId().contains("-u16-")).findFirst()
                    .orElseThrow().unitId();
            await("silent unit timed out", 60_000, () -> {
                try {
                    return actions(id).get(silent).get("status").asText().equals("TIMED_OUT");
                } catch (Exception e) {
                    return false;
                }
            });
            OtaFleet.SimUnit cutUnit = unit(fleet, "-u20-");
            await("cut unit finished", 60_000, () -> v2.equals(cutUnit.running()));
            assertTrue(cutUnit.wasCut());
            Map<String, JsonNode> a = actions(id);
            assertEquals("SUCCEEDED", a.get(unit(fleet, "-u00-").unitId()).get("status").asText());
            assertEquals(1, unit(fleet, "-u00-").ota().corruptChunks(), "the corrupted chunk was dropped");
            JsonNode wrongKey = a.get(unit(fleet, "-u04-").unitId());
            assertEquals("FAILED", wrongKey.get("status").asText());
            assertTrue(wrongKey.get("reason").asText().startsWith("BAD_SIGNATURE"), wrongKey.toString());
            for (String n : List.of("-u08-", "-u12-")) {
                JsonNode st = a.get(unit(fleet, n).unitId());
                assertEquals("ROLLED_BACK", st.get("status").asText());
                assertTrue(st.get("reason").asText().startsWith("SELF_TEST_MISMATCH"), st.toString());
                assertEquals(v1Version, unit(fleet, n).running(), "reverted by itself");
            }
            for (OtaFleet.SimUnit u : fleet.units()) {
                if (!u.unitId().contains("-u00-") && !u.unitId().contains("-u04-") && Integer.parseInt(
                        u.unitId().split("-u")[1].substring(0, 2)) % 4 != 0) {
                    assertEquals("SCHEDULED", a.get(u.unitId()).get("status").asText(), "later waves never offered");
                }
            }
            // a healthy canary unit that restarts three times within a minute of activating reverts by itself
            OtaFleet.SimUnit crashy = unit(fleet, "-u24-");
            assertEquals(v2, crashy.running());
            for (int i = 0; i < 3; i++) {
                crashy.restart();
            }
            assertEquals(v1Version, crashy.running());
            assertTrue(crashy.log().stream().anyMatch(e -> e.event().startsWith("ROLLED_BACK")
                    && e.event().contains("RESTARTS")), crashy.log().toString());

            JsonNode rb = api.post("api/rollouts/" + id + "/rollback", null);
            long rbId = rb.get("rollout").get("id").asLong();
            try {
                await("rollback finished", 60_000, () -> status(rbId).equals("FINISHED"));
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + ": " + rollout(rbId) + " actions "
                        + api.get("api/rollouts/" + rbId + "/actions") + " units " + fleet.units().stream()
                        .map(u -> u.unitId() + "=" + u.running() + " " + u.log().subList(Math.max(0,
                                u.log().size() - 4), u.log().size())).toList(), e);
            }
            assertEquals("ROLLED_BACK", status(id));
            Set<String> gated = Set.of(v1Version, v2);
            for (OtaFleet.SimUnit u : fleet.units()) {
                assertEquals(v1Version, u.running(), u.unitId() + " runs the previous model after rollback");
                neverWithoutWorkingModel(u, gated);
            }
            assertTrue(rollout(id).get("failureReasons").size() >= 3);
        }
    }

    @Test
    void aUnitCutOffHalfwayResumesFromItsLastGoodChunk() throws Exception {
        String v2 = publishRetagged("tiny-v1-resume-" + RUN);
        Fleet f = fleet("rs", 1, 1, Map.of(0, OtaFleet.Faults.cutAt(v1.length / 2)));
        try (OtaFleet fleet = f.fleet()) {
            long id = create(v2, f.doors(), Map.of("canary", 0, "waves", List.of(100)));
            api.post("api/rollouts/" + id + "/start", null);
            await("rollout finished", 60_000, () -> status(id).equals("FINISHED"));
            OtaFleet.SimUnit u = fleet.units().get(0);
            assertTrue(u.wasCut());
            assertEquals(v2, u.running());
            JsonNode a = actions(id).get(u.unitId());
            long size = a.get("bytes").asLong();
            long sent = a.get("bytesSent").asLong();
            long resent = sent - size;
            int chunk = 16384;
            System.out.printf("resume: model %d bytes, service sent %d, re-sent %d (one chunk is %d)%n", size, sent,
                    resent, chunk);
            assertEquals(size, u.ota().chunkBytes(), "the unit kept every good byte: nothing received twice");
            assertTrue(resent >= 0 && resent <= chunk, "at most the chunk in flight at the cut is sent again, re-sent "
                    + resent);
            // the download went on from the middle: the unit's progress never went back to 0
            assertTrue(u.log().stream().filter(e -> e.event().startsWith("OFFERED")).count() == 1, u.log().toString());
        }
    }

    @Test
    void revokingAVersionRollsEveryUnitOnItBackWithinItsDeadline() throws Exception {
        String v2 = publishRetagged("tiny-v1-revoke-" + RUN);
        Fleet f = fleet("rv", 10, 2, Map.of());
        try (OtaFleet fleet = f.fleet()) {
            long id = create(v2, f.doors(), Map.of("canary", 0, "waves", List.of(100)));
            api.post("api/rollouts/" + id + "/start", null);
            await("rollout finished", 60_000, () -> status(id).equals("FINISHED"));
            assertTrue(fleet.units().stream().allMatch(u -> v2.equals(u.running())));
            long t0 = System.currentTimeMillis();
            api.post("api/models/" + v2 + "/revoke", Map.of("reason", "IT kill switch"));
            long deadlineMs = 120_000; // maskgate.ota.rollouts.action-deadline
            await("every unit off the revoked version", deadlineMs,
                    () -> fleet.units().stream().noneMatch(u -> v2.equals(u.running())));
            long took = System.currentTimeMillis() - t0;
            System.out.printf("revocation: 10 units off %s in %d ms%n", v2, took);
            Set<String> ready = new HashSet<>();
            api.get("api/models").forEach(m -> {
                if (m.get("status").asText().equals("READY")) {
                    ready.add(m.get("version").asText());
                }
            });
            for (OtaFleet.SimUnit u : fleet.units()) {
                assertTrue(ready.contains(u.running()), u.unitId() + " runs a READY model, not " + u.running());
            }
            assertEquals("REVOKED", api.get("api/models/" + v2).get("status").asText());
        }
    }

    static OtaFleet.SimUnit unit(OtaFleet fleet, String marker) {
        return fleet.units().stream().filter(u -> u.unitId().contains(marker)).findFirst().orElseThrow();
    }
}
