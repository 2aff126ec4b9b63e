package io.maskgate.service.mqtt;

import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.stereotype.Component;

/** /actuator/health component "mqtt": UP when connected to the broker with the subscriptions in place. */
@Component("mqtt")
public class MqttHealthIndicator implements HealthIndicator {

    private final MqttGateway gateway;
    private final MqttClientHolder holder;

    public MqttHealthIndicator(MqttGateway gateway, MqttClientHolder holder) {
        this.gateway = gateway;
        this.holder = holder;
    }

    @Override
    public Health health() {
        Health.Builder b = gateway.isConnected() ? Health.up() : Health.down();
        return b.withDetail("broker", holder.endpoint().url())
                .withDetail("clientId", holder.client().getClientId())
                .withDetail("decisions", gateway.decisionSubscription())
                .withDetail("replicaSync", gateway.replicaSyncOk() ? "ok" : "subscription refused").build();
    }
}
