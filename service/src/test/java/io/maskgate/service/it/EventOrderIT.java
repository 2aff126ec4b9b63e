package io.maskgate.service.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.maskgate.protocol.HmacKey;
import io.maskgate.protocol.Label;
import io.maskgate.protocol.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The log reads cause before effect: a COMMAND row is never stamped before the DECISION that caused it (its time
 * used to be cut to the millisecond while the decision kept microseconds, so it sorted as older), and newest-first
 * listing shows the command above its decision. The decision's model version is a column of its own.
 */
class EventOrderIT extends AbstractServiceIT {

    @Test
    void aCommandIsNeverLoggedBeforeItsDecision() throws Exception {
        String door = id("odoor");
        String unit = id("ounit");
        HmacKey doorKey = createDoor(door);
        HmacKey key = registerUnit(unit, door);
        int n = 20;
        try (MqttTestClient actuator = new MqttTestClient(ItInfrastructure.mqttUrl(), id("oact"));
             MqttTestClient camera = new MqttTestClient(ItInfrastructure.mqttUrl(), id("opub"))) {
            actuator.subscribe(Topics.command(door));
            actuator.onMessage((t, p) -> ack(actuator, doorKey, p));
            for (int seq = 1; seq <= n; seq++) {
                camera.publishAndWait(Topics.decision(unit), decision(key, unit, door, seq, Label.MASK, 990));
                assertThat(actuator.received().poll(10, TimeUnit.SECONDS)).isNotNull();
            }
        }
        Await.until("all commands logged", Duration.ofSeconds(15),
                () -> events("unit=" + unit + "&kind=COMMAND").size() >= n);
        List<JsonNode> all = events("unit=" + unit); // newest first
        for (int seq = 1; seq <= n; seq++) {
            int decision = indexOf(all, "DECISION", seq);
            int command = indexOf(all, "COMMAND", seq);
            assertThat(command).as("seq %d: COMMAND listed above (newer than) its DECISION", seq)
                    .isLessThan(decision);
            assertThat(Instant.parse(all.get(command).get("occurredAt").asText()))
                    .isAfter(Instant.parse(all.get(decision).get("occurredAt").asText()));
            assertThat(all.get(decision).get("modelVersion").asText()).isEqualTo("it-model");
            assertThat(all.get(command).get("modelVersion").isNull()).isTrue();
        }
    }

    private static int indexOf(List<JsonNode> events, String kind, long seq) {
        for (int i = 0; i < events.size(); i++) {
            if (events.get(i).get("kind").asText().equals(kind) && events.get(i).get("seq").asLong() == seq) {
                return i;
            }
        }
        throw new AssertionError("no " + kind + " for seq " + seq);
    }
}
