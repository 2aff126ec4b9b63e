package io.maskgate.service.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.maskgate.protocol.HmacKey;
import io.maskgate.protocol.Label;
import io.maskgate.protocol.Topics;
import io.maskgate.service.security.Role;
import io.maskgate.service.security.UserAccounts;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Acceptance 6: an OPERATOR disputes a decision whose crop was kept -> the float model re-verifies it -> a human
 * settles it (who and when, audited) -> the ADMIN export zip holds the crop under the human label, laid out like
 * the shared datasets, with a manifest. The open queue lists oldest first.
 */
class DisputeFlowIT extends AbstractServiceIT {

    @Autowired
    UserAccounts accounts;

    @Autowired
    JdbcTemplate jdbc;

    @Test
    void disputeFloatVerdictHumanVerdictAndExport() throws Exception {
        String operator = "op-" + ItInfrastructure.RUN + "-" + Long.toHexString(System.nanoTime() & 0xffff);
        accounts.create(operator, "operator-password-" + ItInfrastructure.RUN, Role.OPERATOR);
        TestRestTemplate op = apiClient(anonymous.withBasicAuth(operator, "operator-password-" + ItInfrastructure.RUN));

        String door = id("door");
        String unit = id("unit");
        createDoor(door);
        HmacKey key = registerUnit(unit, door);
        VerifyItSupport.band(rest, door, 300, 850, null); // ENFORCE door: crops are kept and verified, door as today
        byte[] crop = Frames.crop(Frames.images("mask", 1).get(0));
        try (MqttTestClient pub = new MqttTestClient(ItInfrastructure.mqttUrl(), id("unit"))) {
            pub.publishAndWait(Topics.decision(unit), Frames.decision(key, unit, door, 1, Label.MASK, 640));
            pub.publishAndWait(Topics.frame(unit), Frames.frame(key, unit, door, 1, 640, crop));
            pub.publishAndWait(Topics.decision(unit), Frames.decision(key, unit, door, 2, Label.NO_MASK, 100));
        }
        Await.until("crop kept", Duration.ofSeconds(30), () -> jdbc.queryForObject(
                "SELECT count(*) FROM frames WHERE unit_id = ?", Integer.class, unit) == 1);
        Await.until("decisions logged", Duration.ofSeconds(10),
                () -> events("unit=" + unit + "&kind=DECISION").size() == 2);
        // both verdicts of the uncertain decision (ENFORCE door: recorded, the door as today)
        Await.until("float verdict recorded", Duration.ofSeconds(30), () -> op.getForObject(
                "/api/verification/decisions?unit=" + unit, JsonNode.class).size() == 1);
        JsonNode both = op.getForObject("/api/verification/decisions?unit=" + unit, JsonNode.class).get(0);
        assertThat(both.get("seq").asLong()).isEqualTo(1);
        assertThat(both.get("int8Label").asText()).isEqualTo("MASK");
        assertThat(both.get("int8Score").asInt()).isEqualTo(640);
        assertThat(both.get("int8Model").asText()).isEqualTo("maskgate-tiny-v1");
        assertThat(both.get("floatModel").asText()).isEqualTo("maskgate-tiny-v1");
        assertThat(both.get("status").asText()).isEqualTo("VERIFIED");
        assertThat(both.get("floatLabel").asText()).isEqualTo("MASK");
        assertThat(both.get("verifyMs").asDouble()).isPositive();
        assertThat(both.get("enforced").asBoolean()).isFalse();

        // seq 1 (crop kept) and seq 2 (outside the band: no crop) are disputed, in that order
        ResponseEntity<JsonNode> first = op.postForEntity("/api/disputes",
                Map.of("unitId", unit, "seq", 1, "note", "the person wore no mask"), JsonNode.class);
        assertThat(first.getStatusCode()).isEqualTo(HttpStatus.CREATED);
        long id = first.getBody().get("id").asLong();
        assertThat(first.getBody().get("frameExpiresAt").isNull()).as("crop kept until its retention").isFalse();
        ResponseEntity<JsonNode> second = op.postForEntity("/api/disputes", Map.of("unitId", unit, "seq", 2),
                JsonNode.class);
        assertThat(second.getStatusCode()).isEqualTo(HttpStatus.CREATED);
        assertThat(second.getBody().get("floatStatus").asText()).isEqualTo("NO_FRAME");
        assertThat(op.postForEntity("/api/disputes", Map.of("unitId", unit, "seq", 1), JsonNode.class)
                .getStatusCode()).isEqualTo(HttpStatus.CONFLICT);
        assertThat(op.postForEntity("/api/disputes", Map.of("unitId", unit, "seq", 77), JsonNode.class)
                .getStatusCode()).isEqualTo(HttpStatus.NOT_FOUND);

        Await.until("float verdict", Duration.ofSeconds(30), () -> op.getForObject("/api/disputes/" + id,
                JsonNode.class).get("floatStatus").asText().equals("VERIFIED"));
        JsonNode verified = op.getForObject("/api/disputes/" + id, JsonNode.class);
        assertThat(verified.get("floatLabel").asText()).isEqualTo("MASK");
        assertThat(verified.get("floatProbability").asDouble()).isBetween(0.5, 1.0);

        List<Long> queue = ids(op.getForObject("/api/disputes?status=OPEN&limit=1000", JsonNode.class));
        assertThat(queue).contains(id, second.getBody().get("id").asLong());
        assertThat(queue.indexOf(id)).as("oldest first").isLessThan(queue.indexOf(second.getBody().get("id").asLong()));
        ResponseEntity<byte[]> image = op.getForEntity("/api/disputes/" + id + "/frame", byte[].class);
        assertThat(image.getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat(image.getBody()).isEqualTo(crop);

        ResponseEntity<JsonNode> settled = op.postForEntity("/api/disputes/" + id + "/verdict",
                Map.of("verdict", "NO_MASK"), JsonNode.class);
        assertThat(settled.getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat(settled.getBody().get("humanVerdict").asText()).isEqualTo("NO_MASK");
        assertThat(settled.getBody().get("settledBy").asText()).isEqualTo(operator);
        assertThat(settled.getBody().get("settledAt").isNull()).isFalse();
        assertThat(op.postForEntity("/api/disputes/" + id + "/verdict", Map.of("verdict", "MASK"), JsonNode.class)
                .getStatusCode()).isEqualTo(HttpStatus.CONFLICT);
        assertThat(op.postForEntity("/api/disputes/" + id + "/verdict", Map.of("verdict", "MAYBE"), JsonNode.class)
                .getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(ids(op.getForObject("/api/disputes", JsonNode.class))).doesNotContain(id);
        assertThat(jdbc.queryForList("SELECT action FROM audit_log WHERE actor = ?", String.class, operator))
                .contains("DISPUTE_OPENED", "DISPUTE_SETTLED", "DISPUTE_FRAME_VIEWED");

        // export: ADMIN only; the crop under the human label (NO_MASK), and a manifest row naming it
        assertThat(op.getForEntity("/api/disputes/export", byte[].class).getStatusCode())
                .isEqualTo(HttpStatus.FORBIDDEN);
        ResponseEntity<byte[]> zip = rest.getForEntity("/api/disputes/export", byte[].class);
        assertThat(zip.getStatusCode()).isEqualTo(HttpStatus.OK);
        Map<String, byte[]> entries = unzip(zip.getBody());
        String file = "no_mask/" + unit + "-1.png";
        assertThat(entries).containsKey(file);
        assertThat(entries.get(file)).isEqualTo(crop);
        assertThat(entries.keySet()).noneMatch(n -> n.contains(unit + "-2"));
        String manifest = new String(entries.get("manifest.csv"), StandardCharsets.UTF_8);
        assertThat(manifest).startsWith("file,label,unit_id,seq");
        assertThat(manifest).contains(file + ",NO_MASK," + unit + ",1," + door + ",maskgate-tiny-v1,MASK,640,");
    }

    private static List<Long> ids(JsonNode list) {
        java.util.ArrayList<Long> ids = new java.util.ArrayList<>();
        list.forEach(d -> ids.add(d.get("id").asLong()));
        return ids;
    }

    private static Map<String, byte[]> unzip(byte[] zip) throws Exception {
        Map<String, byte[]> entries = new HashMap<>();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                entries.put(e.getName(), in.readAllBytes());
            }
        }
        return entries;
    }
}
