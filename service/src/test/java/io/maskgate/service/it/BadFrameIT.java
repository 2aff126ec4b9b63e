package io.maskgate.service.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.maskgate.protocol.HmacKey;
import io.maskgate.protocol.Label;
import io.maskgate.protocol.Topics;
import io.maskgate.service.verify.VerifyMetrics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Acceptance 4: bad frames (corrupt image, wrong size, oversize, unknown decision, another unit's decision,
 * replayed frame, bad signature, wrong score) are rejected with counted reasons and change nothing: no crop is
 * stored, no verdict is recorded, the door is not commanded, and the real frame is still accepted afterwards.
 */
class BadFrameIT extends AbstractServiceIT {

    @Autowired
    VerifyMetrics metrics;

    @Autowired
    JdbcTemplate jdbc;

    @Test
    void badFramesAreRejectedByReasonAndChangeNothing() throws Exception {
        String door = id("door");
        String unit = id("unit");
        String other = id("unit");
        createDoor(door);
        HmacKey key = registerUnit(unit, door);
        HmacKey otherKey = registerUnit(other, door);
        VerifyItSupport.mode(rest, door, "ENFORCE_VERIFIED");
        VerifyItSupport.band(rest, door, 300, 850, 20_000);
        Thread.sleep(50); // let the registry see the units (REST -> cache)

        Map<String, Double> before = counts();
        byte[] good = Frames.grey();
        try (MqttTestClient actuator = new MqttTestClient(ItInfrastructure.mqttUrl(), id("act"));
             MqttTestClient pub = new MqttTestClient(ItInfrastructure.mqttUrl(), id("pub"));
             MqttTestClient otherPub = new MqttTestClient(ItInfrastructure.mqttUrl(), id("pub"))) {
            actuator.subscribe(Topics.command(door));
            pub.publishAndWait(Topics.decision(unit), Frames.decision(key, unit, door, 1, Label.MASK, 720));
            Await.until("decision logged", Duration.ofSeconds(10),
                    () -> events("unit=" + unit + "&kind=DECISION").size() == 1);

            String topic = Topics.frame(unit);
            pub.publishAndWait(topic, Frames.frame(key, unit, door, 1, 720, "not an image at all".getBytes(
                    StandardCharsets.UTF_8)));
            pub.publishAndWait(topic, Frames.frame(key, unit, door, 1, 720, Frames.png(
                    new java.awt.image.BufferedImage(64, 64, java.awt.image.BufferedImage.TYPE_INT_RGB))));
            byte[] signed = Frames.frame(key, unit, door, 1, 720, good);
            byte[] oversize = java.util.Arrays.copyOf(signed, 64 * 1024 + 1); // valid JSON padded past 64 KiB
            java.util.Arrays.fill(oversize, signed.length, oversize.length, (byte) ' ');
            pub.publishAndWait(topic, oversize);
            pub.publishAndWait(topic, Frames.frame(key, unit, door, 99, 720, good));
            pub.publishAndWait(topic, Frames.frame(otherKey, unit, door, 1, 720, good));
            pub.publishAndWait(topic, Frames.frame(key, unit, door, 1, 990, good));
            otherPub.publishAndWait(Topics.frame(other), Frames.frame(otherKey, other, door, 1, 720, good));
            String tampered = new String(Frames.frame(key, unit, door, 1, 720, good), StandardCharsets.UTF_8)
                    .replace("\"score\":720", "\"score\":721");
            pub.publishAndWait(topic, tampered.getBytes(StandardCharsets.UTF_8));
            Await.until("bad frames counted", Duration.ofSeconds(10), () -> delta(before, "rejected") >= 8);

            Map<String, Double> after = counts();
            assertThat(after.get("CORRUPT_IMAGE") - before.get("CORRUPT_IMAGE")).isEqualTo(1);
            assertThat(after.get("WRONG_SIZE") - before.get("WRONG_SIZE")).isEqualTo(1);
            assertThat(after.get("OVERSIZE") - before.get("OVERSIZE")).isEqualTo(1);
            assertThat(after.get("UNKNOWN_DECISION") - before.get("UNKNOWN_DECISION")).as("unknown seq, other unit")
                    .isEqualTo(2);
            assertThat(after.get("BAD_SIGNATURE") - before.get("BAD_SIGNATURE")).as("other key, tampered")
                    .isEqualTo(2);
            assertThat(after.get("FRAME_MISMATCH") - before.get("FRAME_MISMATCH")).isEqualTo(1);
            assertThat(stored(unit)).as("no crop stored for bad frames").isZero();
            assertThat(jdbc.queryForObject("SELECT count(*) FROM frame_verifications WHERE unit_id = ?",
                    Integer.class, unit)).isZero();
            assertThat(actuator.received().poll(200, TimeUnit.MILLISECONDS)).as("door not commanded").isNull();

            // the real frame still counts, exactly once
            pub.publishAndWait(topic, Frames.frame(key, unit, door, 1, 720, good));
            pub.publishAndWait(topic, Frames.frame(key, unit, door, 1, 720, good));
            Await.until("replay counted", Duration.ofSeconds(10),
                    () -> counts().get("REPLAY") - before.get("REPLAY") == 1);
            Await.until("crop stored and verified", Duration.ofSeconds(30), () -> stored(unit) == 1
                    && jdbc.queryForObject("SELECT count(*) FROM frame_verifications WHERE unit_id = ? AND seq = 1"
                    + " AND status = 'VERIFIED'", Integer.class, unit) == 1);
            // 8 bad, the real one, its replay (more only when another test run shares the broker)
            assertThat(delta(before, "received")).isGreaterThanOrEqualTo(10);
        }
    }

    private int stored(String unit) {
        return jdbc.queryForObject("SELECT count(*) FROM frames WHERE unit_id = ?", Integer.class, unit);
    }

    private Map<String, Double> counts() {
        Map<String, Double> m = new LinkedHashMap<>();
        for (String r : new String[] {"CORRUPT_IMAGE", "WRONG_SIZE", "OVERSIZE", "UNKNOWN_DECISION", "BAD_SIGNATURE",
                "FRAME_MISMATCH", "REPLAY"}) {
            m.put(r, metrics.rejectedCount(r));
        }
        m.put("rejected", metrics.rejectedTotal());
        m.put("received", metrics.receivedCount());
        return m;
    }

    private double delta(Map<String, Double> before, String key) {
        return counts().get(key) - before.get(key);
    }
}
