package io.maskgate.service.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.maskgate.protocol.DoorAction;
import io.maskgate.protocol.DoorCommand;
import io.maskgate.protocol.HmacKey;
import io.maskgate.protocol.Label;
import io.maskgate.protocol.Signer;
import io.maskgate.protocol.Topics;
import io.maskgate.service.security.Role;
import io.maskgate.service.security.UserAccounts;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.JdbcTemplate;

/** The REST API: roles, problem+json, secrets shown once, policy changes, manual commands, CSV, OpenAPI. */
class RestApiIT extends AbstractServiceIT {

    @Autowired
    UserAccounts accounts;

    @Autowired
    JdbcTemplate jdbc;

    @Test
    void securityRolesAndProblemJson() {
        String operator = id("op");
        accounts.create(operator, "operator-password-1", Role.OPERATOR);
        TestRestTemplate op = apiClient(anonymous.withBasicAuth(operator, "operator-password-1"));

        ResponseEntity<String> noAuth = anonymous.getForEntity("/api/doors", String.class);
        assertThat(noAuth.getStatusCode()).isEqualTo(HttpStatus.UNAUTHORIZED);
        assertThat(noAuth.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
        ResponseEntity<String> wrong = anonymous.withBasicAuth(ADMIN, "wrong-password")
                .getForEntity("/api/doors", String.class);
        assertThat(wrong.getStatusCode()).isEqualTo(HttpStatus.UNAUTHORIZED);
        assertThat(wrong.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);

        assertThat(op.getForEntity("/api/doors", String.class).getStatusCode()).isEqualTo(HttpStatus.OK);
        ResponseEntity<String> forbidden = op.postForEntity("/api/doors", Map.of("id", id("d")), String.class);
        assertThat(forbidden.getStatusCode()).isEqualTo(HttpStatus.FORBIDDEN);
        assertThat(forbidden.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);

        ResponseEntity<JsonNode> missing = rest.getForEntity("/api/doors/nope-" + ItInfrastructure.RUN, JsonNode.class);
        assertThat(missing.getStatusCode()).isEqualTo(HttpStatus.NOT_FOUND);
        assertThat(missing.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
        assertThat(missing.getBody().get("detail").asText()).contains("not found");

        ResponseEntity<JsonNode> bad = rest.postForEntity("/api/doors", Map.of("id", "bad/id"), JsonNode.class);
        assertThat(bad.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(bad.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);

        ResponseEntity<JsonNode> badPolicy = rest.exchange("/api/doors/x/policy", HttpMethod.PUT,
                new HttpEntity<>(Map.of("mode", "ENFORCE", "minScore", 5000, "requiredFrames", 1, "windowFrames", 1,
                        "windowMs", 100, "unlockMs", 100)), JsonNode.class);
        assertThat(badPolicy.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
    }

    @Test
    void crudShowsSecretsOnceAndPolicyChangesApplyAtOnce() throws Exception {
        String door = id("door");
        String unit = id("unit");
        HmacKey doorKey = createDoor(door);
        HmacKey unitKey = registerUnit(unit, door);
        assertThat(rest.postForEntity("/api/doors", Map.of("id", door), String.class).getStatusCode())
                .isEqualTo(HttpStatus.CONFLICT);
        JsonNode shown = rest.getForObject("/api/units/" + unit, JsonNode.class);
        assertThat(shown.get("doorId").asText()).isEqualTo(door);
        assertThat(shown.toString()).doesNotContain(unitKey.toBase64Url()).doesNotContain("secret");
        assertThat(rest.getForObject("/api/doors/" + door, String.class)).doesNotContain(doorKey.toBase64Url());
        byte[] stored = jdbc.queryForObject("SELECT key_enc FROM units WHERE unit_id = ?", byte[].class, unit);
        assertThat(new String(stored, java.nio.charset.StandardCharsets.ISO_8859_1))
                .doesNotContain(new String(unitKey.bytes(), java.nio.charset.StandardCharsets.ISO_8859_1));

        try (MqttTestClient actuator = new MqttTestClient(ItInfrastructure.mqttUrl(), id("act"));
             MqttTestClient pub = new MqttTestClient(ItInfrastructure.mqttUrl(), id("pub"))) {
            actuator.subscribe(Topics.command(door));
            actuator.onMessage((topic, payload) -> ack(actuator, doorKey, payload));
            // LOCKED: a MASK decision does not unlock
            rest.put("/api/doors/" + door + "/policy", Map.of("mode", "LOCKED", "minScore", 700, "requiredFrames", 1,
                    "windowFrames", 1, "windowMs", 5000, "unlockMs", 2000));
            pub.publishAndWait(Topics.decision(unit), decision(unitKey, unit, door, 1, Label.MASK, 990));
            Await.until("LOCKED verdict", Duration.ofSeconds(10),
                    () -> events("unit=" + unit + "&kind=VERDICT&outcome=DENIED").size() == 1);
            assertThat(events("unit=" + unit + "&kind=VERDICT").get(0).get("reason").asText()).isEqualTo("DOOR_LOCKED");
            assertThat(actuator.received().poll(200, TimeUnit.MILLISECONDS)).isNull();

            // operator-style manual unlock still works, is audited and logged
            ResponseEntity<JsonNode> manual = rest.postForEntity("/api/doors/" + door + "/unlock",
                    Map.of("durationMs", 1500, "reason", "delivery"), JsonNode.class);
            assertThat(manual.getStatusCode()).isEqualTo(HttpStatus.ACCEPTED);
            MqttTestClient.Received cmd = actuator.received().poll(5, TimeUnit.SECONDS);
            assertThat(cmd).isNotNull();
            DoorCommand c = MqttTestClient.CODEC.decodeCommand(cmd.payload());
            assertThat(c.action()).isEqualTo(DoorAction.UNLOCK);
            assertThat(c.durationMs()).isEqualTo(1500);
            assertThat(Signer.verify(c, doorKey)).isTrue();
            assertThat(jdbc.queryForObject("SELECT count(*) FROM audit_log WHERE action = 'MANUAL_UNLOCK' AND target = ?",
                    Integer.class, door)).isEqualTo(1);
            Await.until("manual event", Duration.ofSeconds(10),
                    () -> events("door=" + door + "&kind=MANUAL").size() == 1);

            // disabling the unit takes effect immediately
            rest.put("/api/doors/" + door + "/policy", Map.of("mode", "ENFORCE", "minScore", 700, "requiredFrames", 1,
                    "windowFrames", 1, "windowMs", 5000, "unlockMs", 2000));
            rest.put("/api/units/" + unit, Map.of("name", "u", "doorId", door, "enabled", false));
            pub.publishAndWait(Topics.decision(unit), decision(unitKey, unit, door, 2, Label.MASK, 990));
            Await.until("disabled unit rejected", Duration.ofSeconds(10), () -> events("unit=" + unit
                    + "&kind=DECISION&outcome=REJECTED").stream().anyMatch(e -> e.get("reason").asText()
                    .equals("UNIT_DISABLED")));
            assertThat(actuator.received().poll(200, TimeUnit.MILLISECONDS)).isNull();
        }

        // CSV export and pagination over the same events
        ResponseEntity<String> csv = rest.getForEntity("/api/events/export?door=" + door, String.class);
        assertThat(csv.getHeaders().getContentType().toString()).startsWith("text/csv");
        List<String> lines = csv.getBody().lines().toList();
        assertThat(lines.get(0)).startsWith("id,occurred_at,kind,outcome");
        List<JsonNode> all = events("door=" + door);
        assertThat(lines).hasSize(all.size() + 1);
        JsonNode page1 = rest.getForObject("/api/events?door=" + door + "&limit=2", JsonNode.class);
        assertThat(page1.get("items")).hasSize(2);
        JsonNode page2 = rest.getForObject("/api/events?door=" + door + "&limit=2&cursor="
                + page1.get("nextCursor").asText(), JsonNode.class);
        assertThat(page2.get("items").get(0).get("id").asLong()).isNotEqualTo(page1.get("items").get(1).get("id").asLong());

        // delete
        assertThat(rest.exchange("/api/doors/" + door, HttpMethod.DELETE, null, String.class).getStatusCode())
                .isEqualTo(HttpStatus.CONFLICT); // still has a unit
        assertThat(rest.exchange("/api/units/" + unit, HttpMethod.DELETE, null, String.class).getStatusCode())
                .isEqualTo(HttpStatus.NO_CONTENT);
        assertThat(rest.exchange("/api/doors/" + door, HttpMethod.DELETE, null, String.class).getStatusCode())
                .isEqualTo(HttpStatus.NO_CONTENT);
    }

    @Test
    void openApiAndHealthAreServed() {
        JsonNode api = anonymous.getForObject("/v3/api-docs", JsonNode.class);
        assertThat(api.get("paths").has("/api/units")).isTrue();
        assertThat(api.get("paths").has("/api/events/export")).isTrue();
        JsonNode anonymousHealth = anonymous.getForObject("/actuator/health", JsonNode.class);
        assertThat(anonymousHealth.get("status").asText()).isEqualTo("UP");
        assertThat(anonymousHealth.has("components")).as("no details (broker url, client id) for anonymous").isFalse();
        assertThat(anonymous.getForEntity("/actuator/prometheus", String.class).getStatusCode())
                .isEqualTo(HttpStatus.UNAUTHORIZED);
        JsonNode health = rest.getForObject("/actuator/health", JsonNode.class);
        assertThat(health.at("/components/db/status").asText()).isEqualTo("UP");
        assertThat(health.at("/components/mqtt/status").asText()).isEqualTo("UP");
    }
}
