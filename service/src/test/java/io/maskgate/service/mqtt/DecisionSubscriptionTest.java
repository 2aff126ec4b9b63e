package io.maskgate.service.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import io.maskgate.protocol.Topics;
import io.maskgate.service.config.MaskGateProperties;
import io.maskgate.service.config.MqttEndpoint;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Which decision subscription the gateway takes: shared on a configured broker (replicas split the load), plain on
 * the in-process broker, whose shared-subscription queue costs a whole-queue scan per acknowledgement.
 */
class DecisionSubscriptionTest {

    private static MqttGateway gateway(MqttEndpoint endpoint) throws Exception {
        MaskGateProperties props = new MaskGateProperties(Path.of("target/subscription-test"),
                new MaskGateProperties.Mqtt(endpoint.url(), null, null, "svc-1", "grp", Duration.ofMinutes(1),
                        10, Duration.ofSeconds(1), true, Duration.ofSeconds(1), Duration.ofSeconds(2), null, null),
                null, null, null, null, Duration.ofSeconds(30), null);
        return new MqttGateway(new MqttClientHolder(endpoint, props), null, null, null, null, props, null);
    }

    @Test
    void aConfiguredBrokerGetsTheSharedSubscription() throws Exception {
        assertThat(gateway(new MqttEndpoint("tcp://127.0.0.1:1", null, null)).decisionSubscription())
                .isEqualTo("$share/grp/" + Topics.ALL_DECISIONS);
    }

    @Test
    void theInProcessBrokerGetsAPlainSubscription() throws Exception {
        assertThat(gateway(new MqttEndpoint("tcp://127.0.0.1:1", null, null, true)).decisionSubscription())
                .isEqualTo(Topics.ALL_DECISIONS);
    }
}
