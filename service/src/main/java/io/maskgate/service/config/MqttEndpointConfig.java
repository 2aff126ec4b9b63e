package io.maskgate.service.config;

import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.StringUtils;

/**
 * Resolves the broker: {@code maskgate.mqtt.url} when set, otherwise an in-process broker started here on the
 * configured or a free port (the port is logged so units and actuators can be pointed at it).
 */
@Configuration(proxyBeanMethods = false)
class MqttEndpointConfig {

    private static final Logger log = LoggerFactory.getLogger(MqttEndpointConfig.class);

    @Bean
    MqttEndpoint mqttEndpoint(MaskGateProperties properties, BrokerHolder broker) {
        MaskGateProperties.Mqtt mqtt = properties.mqtt();
        if (mqtt.disabled()) {
            return new MqttEndpoint("tcp://127.0.0.1:1", null, null);
        }
        if (StringUtils.hasText(mqtt.url())) {
            return new MqttEndpoint(mqtt.url(), mqtt.username(), mqtt.password());
        }
        return new MqttEndpoint(broker.start(properties).url(), null, null, true);
    }

    @Bean(destroyMethod = "close")
    BrokerHolder brokerHolder() {
        return new BrokerHolder();
    }

    /** Owns the in-process broker, if one was started, so it stops with the context. */
    static final class BrokerHolder implements AutoCloseable {
        private EmbeddedBroker broker;

        synchronized EmbeddedBroker start(MaskGateProperties properties) {
            if (broker == null) {
                Path dir = properties.dataDir().resolve("mqtt").toAbsolutePath().normalize();
                boolean persistent = !"in-memory".equalsIgnoreCase(properties.embedded().mqttPersistence());
                broker = EmbeddedBroker.start(dir, properties.embedded().mqttPort(), persistent);
                log.info("No maskgate.mqtt.url configured: in-process MQTT broker (HiveMQ CE) listening on {}",
                        broker.url());
            }
            return broker;
        }

        @Override
        public synchronized void close() {
            if (broker != null) {
                broker.close();
                broker = null;
            }
        }
    }
}
