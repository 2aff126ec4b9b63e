package io.maskgate.service.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.maskgate.protocol.HmacKey;
import io.maskgate.protocol.Label;
import io.maskgate.protocol.Topics;
import io.maskgate.service.rollout.RolloutEngine;
import io.maskgate.tinyml.image.ImagePreprocessor;
import io.maskgate.tinyml.interpreter.Interpreter;
import io.maskgate.tinyml.model.TfliteModel;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Issue 12's metrics line, on the real broker and database: "a disagreement rate above a rollout's threshold pauses
 * it". A rollout of v1 to one unit runs (the unit never takes the offer: it stays in progress); the unit sends
 * uncertain decisions with their crops, and the service re-verifies them with the float model. Its own int8 labels
 * (tinyml, as a door unit computes them) agree with the float model; a unit whose model inverted its labels does
 * not. Below the minimum sample, and at a rate under the threshold, the rollout keeps running; above it, the engine
 * pauses it with the figures as its reason, in its events and in the audit log; after an operator resumes it, only
 * frames verified since count.
 */
class DisagreementPauseIT extends AbstractServiceIT {

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    RolloutEngine engine;

    private record Crop(byte[] png, int score) {
    }

    @Test
    void aRunningRolloutPausesWhenItsVersionDisagreesWithTheFloatModelAboveItsThreshold() throws Exception {
        String door = id("door");
        String unit = id("unit");
        createDoor(door);
        HmacKey key = registerUnit(unit, door);
        VerifyItSupport.mode(rest, door, "MONITOR_ONLY");
        VerifyItSupport.band(rest, door, 0, 1000, 2_000);

        Map<String, Object> req = new LinkedHashMap<>();
        req.put("version", Frames.MODEL);
        req.put("target", Map.of("type", "UNITS", "values", List.of(unit)));
        req.put("canary", 0);
        req.put("waves", List.of(100));
        req.put("disagreementThreshold", 20);
        req.put("disagreementMinFrames", 20);
        ResponseEntity<JsonNode> created = rest.postForEntity("/api/rollouts", req, JsonNode.class);
        assertThat(created.getStatusCode()).as(String.valueOf(created.getBody())).isEqualTo(HttpStatus.CREATED);
        long id = created.getBody().get("rollout").get("id").asLong();
        assertThat(created.getBody().get("rollout").get("disagreementThreshold").asInt()).isEqualTo(20);
        assertThat(created.getBody().get("rollout").get("disagreementMinFrames").asInt()).isEqualTo(20);
        assertThat(rest.postForEntity("/api/rollouts/" + id + "/start", null, JsonNode.class).getStatusCode())
                .isEqualTo(HttpStatus.OK);

        List<Crop> crops = crops();
        try (MqttTestClient pub = new MqttTestClient(ItInfrastructure.mqttUrl(), id("unit"))) {
            long[] seq = {0};
            // 3 inverted labels: 100 % disagreement, but below the minimum sample of 20
            send(pub, key, unit, door, seq, crops.subList(0, 3), true);
            awaitVerified(unit, 3);
            engine.tick();
            assertThat(status(id)).as("sample too small").isEqualTo("RUNNING");
            // 20 honest labels: 3 (or 4, should the float model differ on one) of 23 = at most 17 % <= 20 %
            send(pub, key, unit, door, seq, crops.subList(3, 23), false);
            awaitVerified(unit, 23);
            engine.tick();
            assertThat(status(id)).as("rate under the threshold: " + rate(unit)).isEqualTo("RUNNING");
            // 10 more inverted: up to 13 of 33 = 39 % > 20 % -> the engine's own tick pauses it
            send(pub, key, unit, door, seq, crops.subList(23, 33), true);
            awaitVerified(unit, 33);
            Await.until("rollout paused by the engine", Duration.ofSeconds(20), () -> status(id).equals("PAUSED"));

            JsonNode view = rest.getForObject("/api/rollouts/" + id, JsonNode.class).get("rollout");
            String reason = view.get("statusReason").asText();
            System.out.println("paused: " + reason + " (" + rate(unit) + ")");
            assertThat(reason).startsWith("int8/float disagreement of " + Frames.MODEL + ": ")
                    .contains("above the threshold 20 % (minimum sample 20)");
            // the engine ticks on its own while the last 10 are verified: it pauses once the rate passes 20 %, i.e.
            // after 1 to 10 of them (6 of 26 = 23 %, or 5 of 24 should the float model differ on an honest one), and
            // the reason carries the counts it saw
            java.util.regex.Matcher m = java.util.regex.Pattern
                    .compile(": (\\d+) of (\\d+) re-verified frames \\(([0-9.]+) %\\)").matcher(reason);
            assertThat(m.find()).as(reason).isTrue();
            int disagreed = Integer.parseInt(m.group(1));
            int verified = Integer.parseInt(m.group(2));
            assertThat(verified).as(reason).isBetween(24, 33);
            assertThat(disagreed - (verified - 23)).as("every frame after the first 23 disagrees: " + reason)
                    .isBetween(3, 4);
            assertThat(100.0 * disagreed / verified).as(reason).isGreaterThan(20.0);
            List<String> events = new ArrayList<>();
            rest.getForObject("/api/rollouts/" + id + "/events?limit=100", JsonNode.class)
                    .forEach(e -> events.add(e.get("event").asText() + ":" + e.path("detail").asText()));
            assertThat(events).contains("PAUSED_AT_DISAGREEMENT:" + reason);
            assertThat(jdbc.queryForList("SELECT detail FROM audit_log WHERE action = 'ROLLOUT_PAUSED' AND target = ?",
                    String.class, "rollout " + id)).containsExactly(reason);

            // an operator resumes: only frames verified from now on count, so it keeps running
            assertThat(rest.postForEntity("/api/rollouts/" + id + "/resume", null, JsonNode.class).getStatusCode())
                    .isEqualTo(HttpStatus.OK);
            engine.tick();
            assertThat(status(id)).isEqualTo("RUNNING");
        }
    }

    private String status(long id) {
        return rest.getForObject("/api/rollouts/" + id, JsonNode.class).get("rollout").get("status").asText();
    }

    private String rate(String unit) {
        return String.valueOf(jdbc.queryForMap("SELECT count(*) AS verified, count(*) FILTER (WHERE float_label <> "
                + "int8_label) AS disagreed FROM frame_verifications WHERE unit_id = ? AND float_label IS NOT NULL",
                unit));
    }

    private void awaitVerified(String unit, int n) {
        Await.until(n + " crops verified", Duration.ofSeconds(90), () -> jdbc.queryForObject(
                "SELECT count(*) FROM frame_verifications WHERE unit_id = ? AND float_label IS NOT NULL",
                Integer.class, unit) == n);
    }

    /** Sends each crop with its decision; inverted: the label (and score) a model with flipped labels gives. */
    private static void send(MqttTestClient pub, HmacKey key, String unit, String door, long[] seq, List<Crop> crops,
                             boolean inverted) throws Exception {
        for (Crop c : crops) {
            int score = inverted ? 1000 - c.score() : c.score();
            Label label = score >= 500 ? Label.MASK : Label.NO_MASK;
            seq[0]++;
            pub.publish(Topics.decision(unit), RegistryFloatModelIT.decision(key, unit, door, seq[0], label, score,
                    Frames.MODEL));
            pub.publish(Topics.frame(unit), Frames.frame(key, unit, door, seq[0], score, c.png()));
            Thread.sleep(30);
        }
    }

    /** 33 crops of the test set (mask and no_mask alternating) with v1's int8 score, as a unit computes it. */
    private static List<Crop> crops() throws Exception {
        Interpreter int8 = new Interpreter(TfliteModel.read(Frames.modelsDir().resolve(Frames.MODEL
                + "/model.tflite")));
        ImagePreprocessor pre = new ImagePreprocessor(int8.input());
        List<Path> mask = Frames.images("mask", 17);
        List<Path> noMask = Frames.images("no_mask", 17);
        List<Crop> out = new ArrayList<>();
        for (int i = 0; out.size() < 33; i++) {
            for (Path p : List.of(mask.get(i), noMask.get(i))) {
                BufferedImage crop = ImagePreprocessor.resizeTo(ImagePreprocessor.decode(p), 32, 32);
                int score = (int) Math.round(int8.output().dequantize(int8.invoke(pre.preprocess(crop))[0]) * 1000);
                out.add(new Crop(Frames.png(crop), Math.max(0, Math.min(1000, score))));
            }
        }
        return out.subList(0, 33);
    }
}
