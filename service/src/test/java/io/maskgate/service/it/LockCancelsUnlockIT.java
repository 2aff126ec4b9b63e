package io.maskgate.service.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.maskgate.protocol.DoorAction;
import io.maskgate.protocol.DoorCommand;
import io.maskgate.protocol.HmacKey;
import io.maskgate.protocol.Topics;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;

/**
 * Issue 11 (low): an operator's LOCK cancels the pending UNLOCK retries of the door. Before, an UNLOCK whose ack
 * had not come in yet was re-sent after the ack timeout, after the LOCK, and could reopen the door. Issue 15: a newer
 * UNLOCK cancels them too (under load the retries of superseded UNLOCKs became a storm that expired in the broker).
 */
class LockCancelsUnlockIT extends AbstractServiceIT {

    @Test
    void noUnlockRetryGoesOutAfterALock() throws Exception {
        String door = id("ldoor");
        HmacKey doorKey = createDoor(door);
        try (MqttTestClient actuator = new MqttTestClient(ItInfrastructure.mqttUrl(), id("lact"))) {
            actuator.subscribe(Topics.command(door));
            // the actuator does not answer the UNLOCK (its ack is lost), so the service would retry it
            ResponseEntity<JsonNode> unlock = rest.postForEntity("/api/doors/" + door + "/unlock",
                    Map.of("durationMs", 3000, "reason", "test"), JsonNode.class);
            assertThat(unlock.getStatusCode()).isEqualTo(HttpStatus.ACCEPTED);
            MqttTestClient.Received first = actuator.received().poll(10, TimeUnit.SECONDS);
            assertThat(first).isNotNull();
            assertThat(MqttTestClient.CODEC.decodeCommand(first.payload()).action()).isEqualTo(DoorAction.UNLOCK);

            ResponseEntity<JsonNode> lock = rest.postForEntity("/api/doors/" + door + "/lock",
                    Map.of("reason", "test"), JsonNode.class);
            assertThat(lock.getStatusCode()).isEqualTo(HttpStatus.ACCEPTED);
            // retries of the UNLOCK sent before the LOCK (a slow request) may come first; none may come after it
            MqttTestClient.Received locked;
            DoorCommand lockCommand;
            do {
                locked = actuator.received().poll(10, TimeUnit.SECONDS);
                assertThat(locked).isNotNull();
                lockCommand = MqttTestClient.CODEC.decodeCommand(locked.payload());
            } while (lockCommand.action() != DoorAction.LOCK);
            ack(actuator, doorKey, locked.payload());

            // ack timeout 1 s, 3 attempts: a retry would come within ~2 s
            MqttTestClient.Received later = actuator.received().poll(3, TimeUnit.SECONDS);
            assertThat(later).as("an UNLOCK retry after the LOCK").isNull();
            String unlockId = unlock.getBody().get("commandId").asText();
            Await.until("the cancelled UNLOCK settled", Duration.ofSeconds(15),
                    () -> !events("door=" + door + "&kind=COMMAND&outcome=SUPERSEDED").isEmpty());
            assertThat(events("door=" + door + "&kind=ALERT")).as("a cancelled UNLOCK is no NO_ACK alert")
                    .isEmpty();
            assertThat(events("door=" + door + "&kind=COMMAND&outcome=SUPERSEDED"))
                    .extracting(e -> e.get("commandId").asText()).containsExactly(unlockId);
        }
    }

    @Test
    void aNewerUnlockCancelsTheRetriesOfAnOlderOne() throws Exception {
        String door = id("ndoor");
        HmacKey doorKey = createDoor(door);
        try (MqttTestClient actuator = new MqttTestClient(ItInfrastructure.mqttUrl(), id("nact"))) {
            actuator.subscribe(Topics.command(door));
            // the first UNLOCK's ack is lost; a second UNLOCK follows at once and is acked
            String first = rest.postForEntity("/api/doors/" + door + "/unlock",
                    Map.of("durationMs", 3000, "reason", "test"), JsonNode.class).getBody().get("commandId").asText();
            String second = rest.postForEntity("/api/doors/" + door + "/unlock",
                    Map.of("durationMs", 3000, "reason", "test"), JsonNode.class).getBody().get("commandId").asText();
            DoorCommand received;
            do {
                MqttTestClient.Received r = actuator.received().poll(10, TimeUnit.SECONDS);
                assertThat(r).isNotNull();
                received = MqttTestClient.CODEC.decodeCommand(r.payload());
                if (received.commandId().equals(second)) {
                    ack(actuator, doorKey, r.payload());
                }
            } while (!received.commandId().equals(second));

            // ack timeout 1 s, 3 attempts: without the rule the first UNLOCK would be re-sent within ~2 s
            MqttTestClient.Received later = actuator.received().poll(3, TimeUnit.SECONDS);
            assertThat(later).as("a retry of the older UNLOCK").isNull();
            Await.until("the older UNLOCK settled", Duration.ofSeconds(15),
                    () -> !events("door=" + door + "&kind=COMMAND&outcome=SUPERSEDED").isEmpty());
            assertThat(events("door=" + door + "&kind=COMMAND&outcome=SUPERSEDED"))
                    .extracting(e -> e.get("commandId").asText()).containsExactly(first);
            assertThat(events("door=" + door + "&kind=ALERT")).as("a replaced UNLOCK is no NO_ACK alert").isEmpty();
        }
    }
}
