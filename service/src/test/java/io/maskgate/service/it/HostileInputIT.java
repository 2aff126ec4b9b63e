package io.maskgate.service.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.maskgate.protocol.DoorCommand;
import io.maskgate.protocol.HmacKey;
import io.maskgate.protocol.Keys;
import io.maskgate.protocol.Label;
import io.maskgate.protocol.RejectReason;
import io.maskgate.protocol.Topics;
import io.maskgate.service.metrics.MaskGateMetrics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;

/**
 * Acceptance 3: hostile inputs, each rejected with a counted reason and no command, interleaved with valid
 * decisions that all go through, and the service stays up.
 */
class HostileInputIT extends AbstractServiceIT {

    @Autowired
    MaskGateMetrics metrics;

    private record Hostile(RejectReason reason, String topic, byte[] payload) {
    }

    @Test
    void hostileInputsAreRejectedAndCountedWhileValidDecisionsGoThrough() throws Exception {
        String door = id("door");
        String unit = id("unit");
        String other = id("other");
        String stranger = id("stranger");
        HmacKey doorKey = createDoor(door);
        HmacKey key = registerUnit(unit, door);
        HmacKey otherKey = registerUnit(other, door);
        long now = System.currentTimeMillis();
        String topic = Topics.decision(unit);

        String valid = new String(decision(key, unit, door, 1, Label.MASK, 900), StandardCharsets.UTF_8);
        List<Hostile> hostile = List.of(
                new Hostile(RejectReason.MALFORMED, topic, "{\"v\":1,\"unitId\":".getBytes(StandardCharsets.UTF_8)),
                new Hostile(RejectReason.UNKNOWN_UNIT, Topics.decision(stranger),
                        decision(Keys.generate(), stranger, door, 1, Label.MASK, 990)),
                new Hostile(RejectReason.BAD_SIGNATURE, topic, decision(Keys.generate(), unit, door, 50, Label.MASK, 990)),
                // seq 1 was accepted as the first valid decision below: same seq, fresh signature and bytes
                new Hostile(RejectReason.REPLAY, topic, decisionAt(key, unit, door, 1, Label.MASK, 950, now + 1)),
                new Hostile(RejectReason.STALE, topic,
                        decisionAt(key, unit, door, 5_000_000, Label.MASK, 990,
                                now - Duration.ofMinutes(10).toMillis())),
                new Hostile(RejectReason.TOPIC_MISMATCH, topic, decision(otherKey, other, door, 1, Label.MASK, 990)),
                new Hostile(RejectReason.OVERSIZE, topic, ("{\"pad\":\"" + "x".repeat(5000) + "\"}")
                        .getBytes(StandardCharsets.UTF_8)),
                new Hostile(RejectReason.UNKNOWN_SCHEMA, topic, valid.replaceFirst("\"v\":1", "\"v\":2")
                        .replace("\"seq\":1", "\"seq\":70").getBytes(StandardCharsets.UTF_8)));

        Map<RejectReason, Double> before = new EnumMap<>(RejectReason.class);
        for (RejectReason r : RejectReason.values()) {
            before.put(r, metrics.rejectedCount(r));
        }
        double acceptedBefore = metrics.acceptedCount();

        Set<String> expectedCommands = new HashSet<>();
        try (MqttTestClient actuator = new MqttTestClient(ItInfrastructure.mqttUrl(), id("act"));
             MqttTestClient attacker = new MqttTestClient(ItInfrastructure.mqttUrl(), id("pub"))) {
            actuator.subscribe(Topics.command(door));
            actuator.onMessage((t, p) -> ack(actuator, doorKey, p));
            long seq = 0;
            attacker.publishAndWait(topic, valid.getBytes(StandardCharsets.UTF_8));
            seq++;
            for (Hostile h : hostile) {
                attacker.publishAndWait(h.topic(), h.payload());
                attacker.publishAndWait(topic, decision(key, unit, door, seq * 100 + 100, Label.MASK, 900));
                seq++;
            }
            long validCount = seq;
            Await.until("all valid decisions accepted", Duration.ofSeconds(15),
                    () -> metrics.acceptedCount() - acceptedBefore >= validCount);

            // every valid decision produced exactly one UNLOCK; no hostile one did
            List<DoorCommand> commands = new ArrayList<>();
            for (int i = 0; i < validCount; i++) {
                MqttTestClient.Received r = actuator.received().poll(5, TimeUnit.SECONDS);
                assertThat(r).as("command " + (i + 1) + " of " + validCount).isNotNull();
                commands.add(MqttTestClient.CODEC.decodeCommand(r.payload()));
            }
            assertThat(actuator.received().poll(300, TimeUnit.MILLISECONDS)).as("no extra command").isNull();
            commands.forEach(c -> expectedCommands.add(c.commandId()));
            assertThat(expectedCommands).hasSize((int) validCount);
        }

        Map<RejectReason, Double> delta = new LinkedHashMap<>();
        for (Hostile h : hostile) {
            delta.put(h.reason(), metrics.rejectedCount(h.reason()) - before.get(h.reason()));
        }
        System.out.println("rejections counted per reason: " + delta);
        for (Hostile h : hostile) {
            assertThat(delta.get(h.reason())).as("counted " + h.reason()).isEqualTo(1.0);
        }
        assertThat(metrics.acceptedCount() - acceptedBefore).isEqualTo(hostile.size() + 1.0);

        // the counters are exported, and the rejections are in the event log with their reasons
        String prometheus = rest.getForObject("/actuator/prometheus", String.class);
        assertThat(prometheus).contains("maskgate_decisions_total{application=\"maskgate\",outcome=\"rejected\","
                + "reason=\"BAD_SIGNATURE\"}");
        // (the REPLAY is counted but not stored again: its (unit, seq) is already in the log - idempotency)
        Await.until("rejections logged", Duration.ofSeconds(10), () ->
                events("unit=" + unit + "&kind=DECISION&outcome=REJECTED").size() >= 5);
        Set<String> loggedReasons = new HashSet<>();
        events("unit=" + unit + "&kind=DECISION&outcome=REJECTED").forEach(e -> loggedReasons.add(e.get("reason").asText()));
        assertThat(loggedReasons).containsExactlyInAnyOrder("MALFORMED", "BAD_SIGNATURE", "STALE", "OVERSIZE",
                "UNKNOWN_SCHEMA");
        List<JsonNode> strangerEvents = events("unit=" + stranger);
        assertThat(strangerEvents).extracting(e -> e.get("reason").asText()).containsExactly("UNKNOWN_UNIT");
        List<JsonNode> mismatch = events("unit=" + other + "&kind=DECISION");
        assertThat(mismatch).extracting(e -> e.get("reason").asText()).containsExactly("TOPIC_MISMATCH");

        // still up
        ResponseEntity<JsonNode> health = rest.getForEntity("/actuator/health", JsonNode.class);
        assertThat(health.getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat(health.getBody().get("status").asText()).isEqualTo("UP");
        assertThat(health.getBody().at("/components/mqtt/status").asText()).isEqualTo("UP");
    }
}
