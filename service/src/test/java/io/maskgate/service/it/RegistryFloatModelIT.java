package io.maskgate.service.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.maskgate.protocol.Decision;
import io.maskgate.protocol.HmacKey;
import io.maskgate.protocol.Label;
import io.maskgate.protocol.Signer;
import io.maskgate.protocol.Topics;
import io.maskgate.service.model.FloatModelZip;
import io.maskgate.service.verify.VerifyMetrics;
import io.maskgate.service.verify.VerifyProperties;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;

/**
 * Issue 12: "take each model version's float model from its registry". A copy of v1 registered under a new
 * version name with its float SavedModel zip exists only in the registry (no folder under models/); a unit running
 * that version sends an uncertain decision and its crop, and the service re-verifies it with the float model it
 * unpacked from the registry. A version whose stored float zip is unusable leaves its crops UNVERIFIED (NO_MODEL),
 * counted by reason; the service carries on.
 */
class RegistryFloatModelIT extends AbstractServiceIT {

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    VerifyProperties verify;

    @Autowired
    VerifyMetrics metrics;

    @Test
    void aVersionWhoseFloatModelIsOnlyInTheRegistryIsReverifiedWithIt() throws Exception {
        String version = id("regcopy");
        byte[] floatZip = FloatModelZip.zip(Frames.modelsDir().resolve(Frames.MODEL).resolve("saved_model"));
        ResponseEntity<JsonNode> up = upload(rest, version, floatZip);
        assertThat(up.getStatusCode()).as(String.valueOf(up.getBody())).isEqualTo(HttpStatus.CREATED);
        JsonNode agreement = up.getBody().get("report").get("agreement");
        assertThat(agreement.get("measured").asBoolean()).as(agreement.toString()).isTrue();
        assertThat(agreement.get("percent").asDouble()).isGreaterThanOrEqualTo(99.0);
        assertThat(Frames.modelsDir().resolve(version)).as("no folder: only the registry has it").doesNotExist();
        double before = metrics.floatModelSourceCount("registry");

        String unit = uncertainCropOf(version);
        Await.until("crop verified", Duration.ofSeconds(60), () -> jdbc.queryForObject(
                "SELECT count(*) FROM frame_verifications WHERE unit_id = ? AND float_label IS NOT NULL",
                Integer.class, unit) == 1);
        Map<String, Object> row = jdbc.queryForMap("SELECT status, float_model, float_probability, float_label "
                + "FROM frame_verifications WHERE unit_id = ?", unit);
        System.out.println("registry-only float model verdict: " + row);
        assertThat(row.get("float_model")).isEqualTo(version);
        assertThat(row.get("float_label")).isEqualTo("MASK");
        assertThat(metrics.floatModelSourceCount("registry")).isGreaterThan(before);
        try (Stream<Path> s = Files.list(verify.modelCache())) {
            Path unpacked = s.filter(p -> p.getFileName().toString().startsWith(version + "-")).findFirst()
                    .orElseThrow(() -> new AssertionError("no unpacked folder for " + version));
            assertThat(unpacked.resolve("saved_model.pb")).exists();
        }
    }

    @Test
    void anUnusableFloatZipInTheRegistryLeavesCropsUnverifiedAndIsCounted() throws Exception {
        String version = id("badzip");
        ResponseEntity<JsonNode> up = upload(rest, version, "not a zip, just bytes".getBytes());
        assertThat(up.getStatusCode()).as("the gate refuses it").isEqualTo(HttpStatus.UNPROCESSABLE_ENTITY);
        assertThat(up.getBody().get("report").toString()).contains("the float model is unusable: not a zip file");
        double before = metrics.floatModelRefusedCount("not-a-zip");

        String unit = uncertainCropOf(version);
        Await.until("crop refused as unverified", Duration.ofSeconds(60), () -> jdbc.queryForObject(
                "SELECT count(*) FROM frame_verifications WHERE unit_id = ? AND status = 'UNVERIFIED'",
                Integer.class, unit) == 1);
        assertThat(jdbc.queryForObject("SELECT reason FROM frame_verifications WHERE unit_id = ?", String.class,
                unit)).isEqualTo("NO_MODEL");
        assertThat(metrics.floatModelRefusedCount("not-a-zip")).isEqualTo(before + 1);
        assertThat(rest.getForEntity("/actuator/health", String.class).getStatusCode()).isEqualTo(HttpStatus.OK);
    }

    /** A signed decision of a unit running {@code version}. */
    static byte[] decision(HmacKey key, String unit, String door, long seq, Label label, int score, String version) {
        return MqttTestClient.CODEC.encode(Signer.sign(Decision.unsigned(unit, door, seq, System.currentTimeMillis(),
                label, score, version), key));
    }

    /** Uploads the shipped int8 model under {@code version} with the given float model zip. */
    static ResponseEntity<JsonNode> upload(org.springframework.boot.test.web.client.TestRestTemplate rest,
                                           String version, byte[] floatZip) throws Exception {
        Path shipped = Frames.modelsDir().resolve(Frames.MODEL);
        MultiValueMap<String, Object> body = new LinkedMultiValueMap<>();
        body.add("version", version);
        body.add("model", file("model.tflite", Files.readAllBytes(shipped.resolve("model.tflite"))));
        body.add("labels", file("labels.txt", Files.readAllBytes(shipped.resolve("labels.txt"))));
        body.add("float", file("saved_model.zip", floatZip));
        HttpHeaders h = new HttpHeaders();
        h.setContentType(MediaType.MULTIPART_FORM_DATA);
        return rest.postForEntity("/api/models", new HttpEntity<>(body, h), JsonNode.class);
    }

    private static ByteArrayResource file(String name, byte[] bytes) {
        return new ByteArrayResource(bytes) {
            @Override
            public String getFilename() {
                return name;
            }
        };
    }

    /** A unit at a monitor-only door with a band over every score sends one MASK decision of {@code version} and its
     * crop; returns the unit's id. */
    private String uncertainCropOf(String version) throws Exception {
        String door = id("door");
        String unit = id("unit");
        createDoor(door);
        HmacKey key = registerUnit(unit, door);
        VerifyItSupport.mode(rest, door, "MONITOR_ONLY");
        VerifyItSupport.band(rest, door, 0, 1000, 2_000);
        byte[] crop = Frames.crop(Frames.images("mask", 1).get(0));
        try (MqttTestClient pub = new MqttTestClient(ItInfrastructure.mqttUrl(), id("unit"))) {
            pub.publishAndWait(Topics.decision(unit), decision(key, unit, door, 1, Label.MASK, 800, version));
            pub.publishAndWait(Topics.frame(unit), Frames.frame(key, unit, door, 1, 800, crop));
        }
        return unit;
    }
}
