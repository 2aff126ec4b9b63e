package io.maskgate.service.broker;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Broker credentials provisioned through Mosquitto's dynamic-security plugin ({@code maskgate.mqtt.dynsec.*}).
 *
 * @param enabled  off by default (and in the demo, whose in-process broker has no such plugin); on, every unit and
 *                 door actuator registered through the service gets its own broker client and role
 * @param timeout  how long a dynamic-security command batch may take (connect included) before it counts as failed
 * @param clientId MQTT client id of the service's provisioning connection (empty: {@code <client-id>-dynsec})
 */
@ConfigurationProperties("maskgate.mqtt.dynsec")
public record DynsecProperties(boolean enabled, Duration timeout, String clientId) {

    public Duration timeoutOrDefault() {
        return timeout == null ? Duration.ofSeconds(10) : timeout;
    }
}
