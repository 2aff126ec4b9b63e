package io.maskgate.service.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.maskgate.protocol.HmacKey;
import io.maskgate.protocol.Label;
import io.maskgate.protocol.Topics;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Issue 11, "stale decisions unlock": decisions buffered during a network blip arrive together; only those
 * captured within the unlock age (default 2 s) may count toward an unlock. Older ones (still within the 30 s
 * authentication window, so accepted and logged) are never acted on.
 */
class StaleDecisionIT extends AbstractServiceIT {

    @Test
    void decisionsOlderThanTheUnlockAgeAreLoggedButNeverUnlock() throws Exception {
        String door = id("sdoor");
        String unit = id("sunit");
        HmacKey doorKey = createDoor(door);
        HmacKey key = registerUnit(unit, door);
        try (MqttTestClient actuator = new MqttTestClient(ItInfrastructure.mqttUrl(), id("sact"));
             MqttTestClient camera = new MqttTestClient(ItInfrastructure.mqttUrl(), id("spub"))) {
            actuator.subscribe(Topics.command(door));
            actuator.onMessage((t, p) -> ack(actuator, doorKey, p));
            long now = System.currentTimeMillis();
            // a backlog released at once: 20 s, 10 s and 3 s old MASK decisions (default policy: 1 of 1)
            camera.publishAndWait(Topics.decision(unit), decisionAt(key, unit, door, 1, Label.MASK, 990, now - 20_000));
            camera.publishAndWait(Topics.decision(unit), decisionAt(key, unit, door, 2, Label.MASK, 990, now - 10_000));
            camera.publishAndWait(Topics.decision(unit), decisionAt(key, unit, door, 3, Label.MASK, 990, now - 3_000));
            Await.until("stale decisions judged", Duration.ofSeconds(10),
                    () -> events("unit=" + unit + "&kind=VERDICT").size() >= 3);
            assertThat(actuator.received().poll(300, TimeUnit.MILLISECONDS)).as("no UNLOCK for a stale decision")
                    .isNull();
            // a fresh one still opens the door
            camera.publishAndWait(Topics.decision(unit), decision(key, unit, door, 4, Label.MASK, 990));
            assertThat(actuator.received().poll(10, TimeUnit.SECONDS)).as("UNLOCK for the fresh decision")
                    .isNotNull();
        }
        List<JsonNode> decisions = events("unit=" + unit + "&kind=DECISION&outcome=ACCEPTED");
        assertThat(decisions).as("stale decisions are still authenticated and logged").hasSize(4);
        List<JsonNode> denied = events("unit=" + unit + "&kind=VERDICT&outcome=DENIED");
        assertThat(denied).extracting(e -> e.get("seq").asLong()).containsExactlyInAnyOrder(1L, 2L, 3L);
        assertThat(denied).extracting(e -> e.get("reason").asText()).containsOnly("STALE_DECISION");
        assertThat(events("unit=" + unit + "&kind=VERDICT&outcome=GRANTED")).extracting(e -> e.get("seq").asLong())
                .containsExactly(4L);
    }
}
