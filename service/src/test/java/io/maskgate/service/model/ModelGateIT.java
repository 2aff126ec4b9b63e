package io.maskgate.service.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.maskgate.protocol.FleetKey;
import io.maskgate.protocol.ManifestVerifier;
import io.maskgate.protocol.MessageCodec;
import io.maskgate.protocol.ModelManifest;
import io.maskgate.protocol.Verdict;
import io.maskgate.service.it.AbstractServiceIT;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;

/**
 * Issue 9, acceptance 1: the validation gate over the real REST API and PostgreSQL. The shipped model passes and
 * gets a manifest the fleet key verifies; a corrupt file, an oversize model, a model with an op the firmware lacks
 * and a clearly worse model (final layer inverted: as if trained on shuffled labels) are each refused with the
 * reason in the stored report; a duplicate version is refused.
 */
class ModelGateIT extends AbstractServiceIT {

    @Test
    void shippedPassesAndEveryBadModelIsRefusedWithItsReason() throws Exception {
        byte[] shipped = ModelMutations.shipped();
        String good = id("gate-good");
        ResponseEntity<JsonNode> ok = upload(good, shipped, null);
        assertThat(ok.getStatusCode()).as(String.valueOf(ok.getBody())).isEqualTo(HttpStatus.CREATED);
        JsonNode report = ok.getBody().get("report");
        assertThat(report.get("passed").asBoolean()).isTrue();
        List<String> names = new ArrayList<>();
        report.get("checks").forEach(c -> names.add(c.get("name").asText()));
        assertThat(names).containsExactly("parses", "size", "ops", "runs", "arena", "accuracy");
        assertThat(report.get("accuracy").get("images").asInt()).isGreaterThanOrEqualTo(200);
        assertThat(report.get("accuracy").get("percent").asDouble()).isGreaterThan(95.0);
        assertThat(report.get("facts").get("arenaBytes").asInt()).isEqualTo(20480);
        assertThat(report.get("selfTests")).hasSize(4);

        // the stored manifest verifies under the public fleet key the service hands out
        String publicKey = anonymous.getForObject("/api/ota/fleet-key", JsonNode.class).get("publicKey").asText();
        String manifest = rest.getForObject("/api/models/" + good, JsonNode.class).get("manifest").asText();
        Verdict<ModelManifest> v = new ManifestVerifier(new MessageCodec(), FleetKey.parsePublic(publicKey))
                .verify(manifest.getBytes(StandardCharsets.UTF_8));
        assertThat(v.accepted()).as(v.detail()).isTrue();
        assertThat(v.message().size()).isEqualTo(shipped.length);
        assertThat(v.message().selfTestList()).hasSize(4);

        assertThat(upload(good, shipped, null).getStatusCode()).as("duplicate version").isEqualTo(HttpStatus.CONFLICT);

        refused(ModelMutations.corrupt(shipped), good, "parses", "not a readable TFLite model");
        refused(ModelMutations.oversize(shipped), good, "size", "limit 235520");
        refused(ModelMutations.unsupportedOp(shipped), good, "ops", "not supported by the firmware: [MUL]");
        JsonNode worse = refused(ModelMutations.inverted(shipped), good, "accuracy", "minimum");
        assertThat(worse.get("accuracy").get("percent").asDouble())
                .isLessThan(worse.get("accuracy").get("minimumPercent").asDouble());
        assertThat(worse.get("accuracy").get("baselineVersion").asText()).isEqualTo(good);
    }

    private JsonNode refused(byte[] model, String baseline, String check, String reason) {
        String version = id("gate-bad-" + check);
        ResponseEntity<JsonNode> r = upload(version, model, baseline);
        assertThat(r.getStatusCode()).as(check + ": " + r.getBody()).isEqualTo(HttpStatus.UNPROCESSABLE_ENTITY);
        JsonNode stored = rest.getForObject("/api/models/" + version + "/report", JsonNode.class);
        assertThat(stored.get("passed").asBoolean()).isFalse();
        JsonNode failed = null;
        for (JsonNode c : stored.get("checks")) {
            if (!c.get("passed").asBoolean()) {
                failed = c;
                break;
            }
        }
        assertThat(failed).as("a failed check in " + stored).isNotNull();
        assertThat(failed.get("name").asText()).isEqualTo(check);
        assertThat(failed.get("detail").asText()).contains(reason);
        JsonNode stored2 = rest.getForObject("/api/models/" + version, JsonNode.class);
        assertThat(stored2.get("status").asText()).isEqualTo("REFUSED");
        assertThat(stored2.get("manifest").isNull()).as("no manifest for a refused model").isTrue();
        return stored;
    }

    private ResponseEntity<JsonNode> upload(String version, byte[] model, String baseline) {
        try {
            MultiValueMap<String, Object> body = new LinkedMultiValueMap<>();
            body.add("version", version);
            body.add("model", file("model.tflite", model));
            body.add("labels", file("labels.txt",
                    Files.readAllBytes(ModelMutations.shippedDir().resolve("labels.txt"))));
            if (baseline != null) {
                body.add("baseline", baseline);
            }
            HttpHeaders h = new HttpHeaders();
            h.setContentType(MediaType.MULTIPART_FORM_DATA);
            return rest.postForEntity("/api/models", new HttpEntity<>(body, h), JsonNode.class);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ByteArrayResource file(String name, byte[] bytes) {
        return new ByteArrayResource(bytes) {
            @Override
            public String getFilename() {
                return name;
            }
        };
    }
}
