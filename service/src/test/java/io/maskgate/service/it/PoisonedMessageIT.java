package io.maskgate.service.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.maskgate.protocol.HmacKey;
import io.maskgate.protocol.Label;
import io.maskgate.protocol.Topics;
import io.maskgate.service.event.EventWriter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Issue 11, "one MQTT message stalls event logging": a field name with U+0000 ended up in the reject detail, and
 * PostgreSQL refused every COPY batch that carried it (SQLSTATE 22021), so the writer fell back to row by row and
 * dropped those events. Each such message must be stored (its detail shown with the character escaped), nothing
 * dropped, and the decisions around it must go through.
 */
class PoisonedMessageIT extends AbstractServiceIT {

    @Autowired
    MeterRegistry meters;

    @Autowired
    EventWriter writer;

    @Test
    void nulCharactersInAMessageAreLoggedEscapedAndDropNothing() throws Exception {
        String door = id("pdoor");
        String unit = id("punit");
        HmacKey doorKey = createDoor(door);
        HmacKey key = registerUnit(unit, door);
        double droppedBefore = dropped();
        byte[] poison = "{\"v\":1,\"x\\u0000y\":1}".getBytes(StandardCharsets.UTF_8);
        try (MqttTestClient actuator = new MqttTestClient(ItInfrastructure.mqttUrl(), id("pact"));
             MqttTestClient attacker = new MqttTestClient(ItInfrastructure.mqttUrl(), id("ppub"))) {
            actuator.subscribe(Topics.command(door));
            actuator.onMessage((t, p) -> ack(actuator, doorKey, p));
            for (int i = 0; i < 40; i++) {
                attacker.publishAndWait(Topics.decision(unit), poison);
            }
            attacker.publishAndWait(Topics.decision(unit), decision(key, unit, door, 1, Label.MASK, 990));
            assertThat(actuator.received().poll(10, TimeUnit.SECONDS)).as("UNLOCK for the valid decision")
                    .isNotNull();
            Await.until("every message logged", Duration.ofSeconds(20),
                    () -> events("unit=" + unit + "&kind=DECISION").size() >= 41);
        }
        List<JsonNode> rejected = events("unit=" + unit + "&kind=DECISION&outcome=REJECTED");
        assertThat(rejected).hasSize(40);
        assertThat(rejected).allSatisfy(e -> {
            assertThat(e.get("reason").asText()).isEqualTo("MALFORMED");
            assertThat(e.get("detail").asText()).contains("x\\u0000y");
        });
        assertThat(events("unit=" + unit + "&kind=DECISION&outcome=ACCEPTED")).hasSize(1);
        assertThat(dropped() - droppedBefore).as("maskgate_events_dropped_total").isZero();
    }

    private double dropped() {
        return meters.get("maskgate.events.dropped").counter().count();
    }
}
