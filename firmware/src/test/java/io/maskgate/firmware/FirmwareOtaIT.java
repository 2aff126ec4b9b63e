package io.maskgate.firmware;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.maskgate.agent.e2e.ServiceHarness;
import io.maskgate.agent.service.ServiceClient;
import io.maskgate.agent.testing.TestBroker;
import io.maskgate.protocol.FleetKey;
import io.maskgate.protocol.HmacKey;
import io.maskgate.protocol.MessageCodec;
import io.maskgate.protocol.ModelManifest;
import io.maskgate.protocol.OtaCommand;
import io.maskgate.protocol.OtaKind;
import io.maskgate.protocol.Signer;
import io.maskgate.service.model.ModelRegistry;
import io.maskgate.service.ota.OtaGateway;
import io.maskgate.tinyml.model.TfliteModel;
import io.maskgate.tinyml.writer.TfliteWriter;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16, acceptance 3: a model rollout from the real service (real broker, real PostgreSQL) reaches the firmware
 * running under MicroPython (maskgate_ota in the camera's main loop). It downloads, verifies and activates the new
 * model after the signed self-tests; a corrupted download and manifests with bad signatures are refused and the
 * old model keeps running; a process kill (power cut) during the download, the verification and the activation,
 * followed by a restart, leaves a unit that boots a working model and then finishes the update.
 */
class FirmwareOtaIT {

    static final String V1 = "maskgate-tiny-v1";
    static final String RUN = UUID.randomUUID().toString().substring(0, 6);
    static final ObjectMapper JSON = new ObjectMapper();

    static TestBroker broker;
    static ServiceHarness service;
    static ServiceClient api;
    static String fleetPublic;
    static Path frames;

    @TempDir
    static Path tmp;

    @BeforeAll
    static void start() throws Exception {
        MicroPythonHost.require();
        MicroPythonHost.requireDataAndTflm();
        broker = TestBroker.start();
        service = ServiceHarness.start(broker.url());
        api = service.client();
        fleetPublic = api.get("api/ota/fleet-key").get("publicKey").asText();
        frames = SceneFrames.writeList(tmp.resolve("frames.txt"), SceneFrames.confident("mask", 4));
    }

    @AfterAll
    static void stop() {
        if (service != null) {
            service.close();
        }
    }

    /** The shipped model re-tagged (new bytes and hash, same weights): passes the gate, gets signed self-tests. */
    static String publishRetagged(String version) throws Exception {
        byte[] v1 = Files.readAllBytes(MicroPythonHost.SHIPPED_MODEL);
        TfliteModel m = TfliteModel.read(v1);
        byte[] bytes = TfliteWriter.write(new TfliteModel(m.tensors(), m.operators(), m.inputs(), m.outputs(),
                m.version(), version, 0));
        String labels = Files.readString(MicroPythonHost.SHIPPED_MODEL.resolveSibling("labels.txt"));
        ModelRegistry.Published p = service.bean(ModelRegistry.class).publish("e2e-admin", version, bytes, null,
                labels, null, V1);
        assertTrue(p.report().passed(), "gate: " + p.report().refusal());
        return version;
    }

    /** One emulated camera: its flash survives restarts; each start is a new MicroPython process. */
    final class Camera implements AutoCloseable {
        final String unitId;
        final HmacKey key;
        final Path flash;
        final List<Path> logs = new ArrayList<>();
        Process process;

        Camera(String tag) throws Exception {
            unitId = "fw-ota-" + tag + "-" + RUN;
            String door = "fw-ota-d-" + tag + "-" + RUN;
            api.createDoor(door, "OTA door " + tag, null);
            key = api.registerUnit(unitId, "firmware OTA " + tag, door);
            flash = Flash.create(tmp.resolve(unitId), Map.of("unit_id", unitId, "door_id", door,
                    "key", key.toBase64Url(), "fleet_key", fleetPublic, "wifi_ssid", "emulated",
                    "broker_host", broker.host(), "broker_port", broker.port(), "status_every_ms", 1000));
        }

        /** Boots main.py; with cutOn, the process is killed before the first flash change matching it. */
        Camera start(String cutOn, int skip) throws Exception {
            Path log = flash.resolveSibling(unitId + "-" + logs.size() + ".log");
            List<String> args = new ArrayList<>(List.of("run", "--flash", flash.toString(), "--frames",
                    frames.toString(), "--fps", "2"));
            if (cutOn != null) {
                args.addAll(List.of("--power-cut-on", cutOn, "--power-cut-skip", String.valueOf(skip)));
            }
            logs.add(log);
            process = MicroPythonHost.start(args, log);
            return this;
        }

        String log() throws Exception {
            return Files.readString(logs.get(logs.size() - 1));
        }

        /** The payloads of this start's messages on the unit's topic of this kind the broker acknowledged. */
        List<JsonNode> sent(String kind) throws Exception {
            List<JsonNode> out = new ArrayList<>();
            for (String line : log().split("\n")) {
                if (line.startsWith("EMUL ") && line.contains("\"puback\"") && line.contains("/" + kind + "\"")) {
                    out.add(JSON.readTree(JSON.readTree(line.substring(5)).get("payload").asText()));
                }
            }
            return out;
        }

        long frames() throws Exception {
            return log().lines().filter(l -> l.startsWith("EMUL ") && l.contains("\"event\": \"heap\"")).count();
        }

        void awaitCut() throws Exception {
            FirmwareEndToEndIT.await(() -> !process.isAlive(), unitId + " cut", 240_000);
            assertEquals(137, process.exitValue(), "killed by the power cut:\n" + log());
            assertTrue(log().contains("\"power-cut\""), log());
        }

        /** After a (re)start: a model passed its check and loaded, and frames run through it. */
        String awaitWorkingModel() throws Exception {
            FirmwareEndToEndIT.await(() -> log().contains("maskgate: model ") && frames() >= 3,
                    unitId + " boots a working model and runs frames", 120_000, asE2e());
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("maskgate: model (\\S+) from slot")
                    .matcher(log());
            assertTrue(m.find(), log());
            return m.group(1);
        }

        FirmwareEndToEndIT.Camera asE2e() {
            return new FirmwareEndToEndIT.Camera(unitId, process, logs.get(logs.size() - 1));
        }

        @Override
        public void close() {
            if (process != null) {
                process.destroyForcibly();
            }
        }
    }

    static long rollout(String version, List<String> units) throws Exception {
        Map<String, Object> body = new HashMap<>(Map.of("version", version, "name", "firmware OTA IT",
                "target", Map.of("type", "UNITS", "values", units), "canary", 0, "waves", List.of(100),
                "successThreshold", 100, "errorThreshold", 100));
        long id = api.post("api/rollouts", body).get("rollout").get("id").asLong();
        api.post("api/rollouts/" + id + "/start", null);
        return id;
    }

    static JsonNode action(long rollout, String unit) throws Exception {
        for (JsonNode a : api.get("api/rollouts/" + rollout + "/actions")) {
            if (a.get("unitId").asText().equals(unit)) {
                return a;
            }
        }
        throw new AssertionError("no action for " + unit);
    }

    static String status(long rollout, String unit) throws Exception {
        return action(rollout, unit).get("status").asText();
    }

    @Test
    void aRolloutReachesTheFirmwareAndAKillAtEachStepLeavesAWorkingModel() throws Exception {
        String v2 = publishRetagged("fw-ota-v2-" + RUN);
        // cut points: the 4th chunk write of the download; the rename that commits the verified file; the state
        // switch that activates it (the first state write of a fresh unit)
        Map<String, String> cuts = Map.of(
                "download", "^write .* to models/./model\\.tflite\\.part$",
                "verify", "^rename models/./model\\.tflite\\.part",
                "activate", "^open models/state\\.tmp");
        try (Camera ok = new Camera("ok"); Camera dl = new Camera("kdl"); Camera vf = new Camera("kvf");
             Camera ac = new Camera("kac")) {
            Map<String, Camera> killed = Map.of("download", dl, "verify", vf, "activate", ac);
            ok.start(null, 0);
            for (Map.Entry<String, Camera> e : killed.entrySet()) {
                e.getValue().start(cuts.get(e.getKey()), e.getKey().equals("download") ? 3 : 0);
            }
            for (Camera c : List.of(ok, dl, vf, ac)) {
                assertEquals(V1, c.awaitWorkingModel());
            }
            long id = rollout(v2, List.of(ok.unitId, dl.unitId, vf.unitId, ac.unitId));

            // the uncut unit: offered, downloaded in chunks of at most 4 KB, verified, activated, self-tested
            FirmwareEndToEndIT.await(() -> status(id, ok.unitId).equals("SUCCEEDED"), "unit ok succeeds", 240_000,
                    ok.asE2e());
            List<String> states = ok.sent("ota-report").stream().map(r -> r.get("state").asText()).toList();
            assertEquals(List.of("OFFERED", "DOWNLOADING", "DOWNLOADING", "DOWNLOADING", "VERIFIED", "ACTIVATED",
                    "SELF_TEST_PASSED"), states);
            assertTrue(ok.sent("ota-fetch").stream().allMatch(f -> f.get("length").asInt() <= 4096));
            assertTrue(ok.log().contains("maskgate: model " + v2 + " from slot a (update)"), ok.log());
            long framesAtSwitch = ok.frames();
            FirmwareEndToEndIT.await(() -> ok.frames() >= framesAtSwitch + 3, "frames on the new model", 60_000,
                    ok.asE2e());
            assertEquals(v2, action(id, ok.unitId).get("version").asText());

            // each killed unit: the kill happened at its step; after a restart it runs a working model and then
            // finishes the same action
            for (Map.Entry<String, Camera> e : killed.entrySet()) {
                Camera c = e.getValue();
                c.awaitCut();
                String before = c.log();
                String step = e.getKey();
                assertTrue(before.contains(step.equals("activate") ? "\"open models/state.tmp" : step.equals("verify")
                        ? "\"rename models/" : "\"write 4096 bytes to models/"), step + ":\n" + before);
                c.start(null, 0);
                assertEquals(V1, c.awaitWorkingModel(), step + ": the old model after the cut");
                FirmwareEndToEndIT.await(() -> status(id, c.unitId).equals("SUCCEEDED"), c.unitId + " finishes",
                        240_000, c.asE2e());
                List<String> after = c.sent("ota-report").stream().map(r -> r.get("state").asText()).toList();
                assertEquals("SELF_TEST_PASSED", after.get(after.size() - 1), step + ": " + after);
                assertFalse(after.contains("OFFERED"), step + ": resumed, not offered again: " + after);
                if (step.equals("download")) {
                    long first = c.sent("ota-fetch").get(0).get("offset").asLong();
                    assertEquals(3 * 4096, first, "the download resumed after the 3 chunks on flash");
                } else {
                    assertTrue(c.sent("ota-fetch").isEmpty(), step + ": nothing downloaded again");
                }
                assertTrue(c.log().contains("maskgate: model " + v2 + " from slot a (update)"), c.log());
            }
            FirmwareEndToEndIT.await(() -> api.get("api/rollouts/" + id).get("rollout").get("status").asText()
                    .equals("FINISHED"), "rollout finished", 60_000);
        }
    }

    @Test
    void aCorruptedDownloadAndBadSignaturesAreRefusedAndTheOldModelKeepsRunning() throws Exception {
        String v3 = publishRetagged("fw-ota-v3-" + RUN);
        try (Camera c = new Camera("bad")) {
            c.start(null, 0);
            assertEquals(V1, c.awaitWorkingModel());
            MessageCodec codec = new MessageCodec();
            ModelManifest real = codec.decodeManifest(service.bean(ModelRegistry.class).manifestText(v3).orElseThrow()
                    .getBytes(StandardCharsets.UTF_8));
            String otherFleet = codec.encodeToString(FleetKey.generate().sign(real.withSig(null)));
            String tampered = codec.encodeToString(real.withSig(real.sig())).replace(real.sha256(), "0".repeat(64));
            OtaGateway gateway = service.bean(OtaGateway.class);
            long now = System.currentTimeMillis();
            for (String[] m : List.of(new String[] {"bad-sig-a-" + RUN, otherFleet},
                    new String[] {"bad-sig-b-" + RUN, tampered})) {
                assertTrue(gateway.send(Signer.sign(OtaCommand.unsigned(c.unitId, m[0], OtaKind.INSTALL, v3, m[1],
                        16384, now, now + 600_000), c.key)));
            }
            FirmwareEndToEndIT.await(() -> c.sent("ota-report").size() >= 2, "two refusals reported", 120_000,
                    c.asE2e());
            for (JsonNode r : c.sent("ota-report")) {
                assertEquals("FAILED", r.get("state").asText());
                assertTrue(r.get("reason").asText().startsWith("BAD_SIGNATURE"), r.toString());
                assertEquals(V1, r.get("runningVersion").asText());
            }
            assertTrue(c.sent("ota-fetch").isEmpty(), "nothing fetched for a manifest that is not the fleet's");
            c.close();
            c.process.waitFor();

            // corrupted download: cut during the download, one byte of the partial file flipped on the flash, restart
            c.start("^write .* to models/./model\\.tflite\\.part$", 2);
            assertEquals(V1, c.awaitWorkingModel());
            long id = rollout(v3, List.of(c.unitId));
            c.awaitCut();
            Path part = Files.list(c.flash.resolve("models/a")).filter(p -> p.toString().endsWith(".part"))
                    .findFirst().orElseThrow();
            try (RandomAccessFile f = new RandomAccessFile(part.toFile(), "rw")) {
                f.seek(5000);
                int b = f.read();
                f.seek(5000);
                f.write(b ^ 0xFF);
            }
            c.start(null, 0);
            assertEquals(V1, c.awaitWorkingModel());
            FirmwareEndToEndIT.await(() -> status(id, c.unitId).equals("FAILED"), "the action fails", 240_000,
                    c.asE2e());
            JsonNode a = action(id, c.unitId);
            assertTrue(a.get("reason").asText().startsWith("SHA256_MISMATCH"), a.toString());
            List<String> states = c.sent("ota-report").stream().map(r -> r.get("state").asText()).toList();
            assertFalse(states.contains("VERIFIED") || states.contains("ACTIVATED"), states.toString());
            long frames = c.frames();
            FirmwareEndToEndIT.await(() -> c.frames() >= frames + 3, "the old model keeps running", 60_000,
                    c.asE2e());
            assertFalse(c.log().contains("(update)"), "no model switch");
            assertFalse(Files.exists(part), "the corrupt download was deleted");
        }
    }
}
