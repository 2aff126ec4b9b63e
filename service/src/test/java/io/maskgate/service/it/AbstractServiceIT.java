package io.maskgate.service.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.maskgate.protocol.AckStatus;
import io.maskgate.protocol.CommandAck;
import io.maskgate.protocol.Decision;
import io.maskgate.protocol.DoorCommand;
import io.maskgate.protocol.Topics;
import io.maskgate.protocol.HmacKey;
import io.maskgate.protocol.Label;
import io.maskgate.protocol.Signer;
import io.maskgate.service.mqtt.MqttGateway;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Base of the integration tests that share ONE Spring context (same configuration everywhere, so the test
 * context cache starts the service once per JVM): the full service on a random HTTP port, against a real
 * PostgreSQL and a real MQTT broker ({@link ItInfrastructure}).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureObservability
public abstract class AbstractServiceIT {

    protected static final String ADMIN = "it-admin-" + ItInfrastructure.RUN;
    protected static final String ADMIN_PASSWORD = "it-admin-password-" + ItInfrastructure.RUN;
    /** The fire-alarm panel this run's service listens to, and its key. */
    protected static final String FIRE_PANEL = "panel-" + ItInfrastructure.RUN;
    protected static final HmacKey FIRE_PANEL_KEY = io.maskgate.protocol.Keys.generate();

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry r) {
        r.add("spring.datasource.url", ItInfrastructure::dbUrl);
        r.add("spring.datasource.username", ItInfrastructure::dbUser);
        r.add("spring.datasource.password", ItInfrastructure::dbPassword);
        r.add("maskgate.mqtt.url", ItInfrastructure::mqttUrl);
        r.add("maskgate.mqtt.client-id", () -> "maskgate-it-" + ItInfrastructure.RUN);
        r.add("maskgate.mqtt.share-group", () -> "it" + ItInfrastructure.RUN);
        r.add("maskgate.mqtt.session-expiry", () -> "120s");
        r.add("maskgate.security.master-key", () -> ItInfrastructure.MASTER_KEY);
        r.add("maskgate.doors.default-min-score", () -> ItInfrastructure.SYNTHETIC_MIN_SCORE);
        r.add("maskgate.security.admin-user", () -> ADMIN);
        r.add("maskgate.security.admin-password", () -> ADMIN_PASSWORD);
        r.add("maskgate.life-safety.panel-id", () -> FIRE_PANEL);
        r.add("maskgate.life-safety.panel-key", FIRE_PANEL_KEY::toBase64Url);
        r.add("maskgate.data-dir", () -> ItInfrastructure.tempDir().resolve("data").toString());
        r.add("maskgate.verify.models-dir", () -> Frames.modelsDir().toString());
        r.add("maskgate.ota.fleet-key", () -> ItInfrastructure.FLEET_KEY);
        r.add("maskgate.ota.shipped-model", () -> io.maskgate.service.model.ModelMutations.shippedDir().toString());
        r.add("maskgate.ota.data", () -> io.maskgate.service.model.ModelMutations.dataDir().toString());
    }

    @Autowired
    protected TestRestTemplate anonymous;

    @Autowired
    protected MqttGateway gateway;

    protected TestRestTemplate rest;

    @BeforeEach
    void adminClient() throws InterruptedException {
        rest = apiClient(anonymous.withBasicAuth(ADMIN, ADMIN_PASSWORD));
        assertThat(gateway.awaitSubscribed(30_000)).as("service subscribed to the broker").isTrue();
    }

    /** The API's own clients send the CSRF-defence header on every request (browsers cross-site cannot). */
    protected static TestRestTemplate apiClient(TestRestTemplate template) {
        template.getRestTemplate().getInterceptors().add((request, body, execution) -> {
            request.getHeaders().set("X-Requested-By", "maskgate-it");
            return execution.execute(request, body);
        });
        return template;
    }

    /** A unique id for this run. */
    protected static String id(String prefix) {
        return prefix + "-" + ItInfrastructure.RUN + "-" + Long.toHexString(System.nanoTime() & 0xffffff);
    }

    /** Creates a door (default policy) and returns its actuator key. */
    protected HmacKey createDoor(String doorId) {
        ResponseEntity<JsonNode> r = rest.postForEntity("/api/doors", Map.of("id", doorId, "name", "door " + doorId),
                JsonNode.class);
        assertThat(r.getStatusCode()).isEqualTo(HttpStatus.CREATED);
        return HmacKey.parse(r.getBody().get("actuatorKey").asText());
    }

    /** Registers a unit at a door and returns its secret. */
    protected HmacKey registerUnit(String unitId, String doorId) {
        ResponseEntity<JsonNode> r = rest.postForEntity("/api/units", Map.of("id", unitId, "doorId", doorId),
                JsonNode.class);
        assertThat(r.getStatusCode()).isEqualTo(HttpStatus.CREATED);
        return HmacKey.parse(r.getBody().get("secret").asText());
    }

    /** A signed decision payload captured now. */
    protected static byte[] decision(HmacKey key, String unitId, String doorId, long seq, Label label, int score) {
        return decisionAt(key, unitId, doorId, seq, label, score, System.currentTimeMillis());
    }

    protected static byte[] decisionAt(HmacKey key, String unitId, String doorId, long seq, Label label, int score,
                                       long capturedAt) {
        Decision d = Signer.sign(Decision.unsigned(unitId, doorId, seq, capturedAt, label, score, "it-model"), key);
        return MqttTestClient.CODEC.encode(d);
    }

    /** All events matching the query string, following the cursor through every page. */
    protected List<JsonNode> events(String query) {
        List<JsonNode> all = new ArrayList<>();
        String cursor = null;
        do {
            String url = "/api/events?limit=200&" + query + (cursor == null ? "" : "&cursor=" + cursor);
            ResponseEntity<JsonNode> r = rest.getForEntity(url, JsonNode.class);
            assertThat(r.getStatusCode()).isEqualTo(HttpStatus.OK);
            r.getBody().get("items").forEach(all::add);
            JsonNode next = r.getBody().get("nextCursor");
            cursor = next == null || next.isNull() ? null : next.asText();
        } while (cursor != null);
        return all;
    }

    /** Plays the actuator: answers a received command with a signed DONE ack. */
    protected static void ack(MqttTestClient actuator, HmacKey doorKey, byte[] payload) {
        try {
            DoorCommand c = MqttTestClient.CODEC.decodeCommand(payload);
            CommandAck ack = Signer.sign(CommandAck.unsigned(c.commandId(), c.doorId(), AckStatus.DONE, null,
                    System.currentTimeMillis()), doorKey);
            actuator.publish(Topics.ack(c.doorId()), MqttTestClient.CODEC.encode(ack));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
