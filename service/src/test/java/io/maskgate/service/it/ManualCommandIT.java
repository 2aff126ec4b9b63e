package io.maskgate.service.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.maskgate.service.mqtt.MqttClientHolder;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;

/** A manual command the broker client could not take is an error (503 naming the command), not a 202. */
class ManualCommandIT extends AbstractServiceIT {

    @Autowired
    MqttClientHolder clients;

    @Test
    void aManualUnlockWhosePublishFailedAnswers503() throws Exception {
        String door = id("mdoor");
        createDoor(door);
        clients.publisher().disconnect().waitForCompletion(5_000);
        try {
            ResponseEntity<JsonNode> r = rest.postForEntity("/api/doors/" + door + "/unlock",
                    Map.of("durationMs", 1000, "reason", "test"), JsonNode.class);
            assertThat(r.getStatusCode()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
            assertThat(r.getBody().get("detail").asText()).contains("could not be handed to the MQTT broker");
        } finally {
            // a client-initiated disconnect is no lost connection, so the gateway does not reconnect by itself
            if (!clients.publisher().isConnected()) {
                clients.publisher().connect(new org.eclipse.paho.mqttv5.client.MqttConnectionOptions())
                        .waitForCompletion(10_000);
            }
            Await.until("command client reconnected", Duration.ofSeconds(30), () -> gateway.isConnected());
        }
        ResponseEntity<JsonNode> ok = rest.postForEntity("/api/doors/" + door + "/lock", Map.of("reason", "test"),
                JsonNode.class);
        assertThat(ok.getStatusCode()).isEqualTo(HttpStatus.ACCEPTED);
    }
}
