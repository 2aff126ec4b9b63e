package io.maskgate.service.mqtt;

import io.maskgate.service.command.CommandPublisher;
import io.maskgate.service.config.MaskGateProperties;
import io.maskgate.service.config.MqttEndpoint;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.springframework.stereotype.Component;

/**
 * Owns the service's one Paho MQTT v5 client. Kept apart from {@link MqttGateway} (which connects it and
 * routes incoming messages) so command dispatching can publish without a dependency cycle.
 * The client id is stable per replica: it names the persistent session the broker keeps while we are down.
 */
@Component
public class MqttClientHolder implements CommandPublisher {

    private final MqttAsyncClient client;
    private final MqttEndpoint endpoint;

    public MqttClientHolder(MqttEndpoint endpoint, MaskGateProperties properties) throws MqttException {
        this.endpoint = endpoint;
        this.client = new MqttAsyncClient(endpoint.url(), properties.mqtt().clientId(), new MemoryPersistence());
    }

    public MqttAsyncClient client() {
        return client;
    }

    public MqttEndpoint endpoint() {
        return endpoint;
    }

    @Override
    public void publish(String topic, byte[] payload) throws MqttException {
        MqttMessage message = new MqttMessage(payload, 1, false, null);
        client.publish(topic, message);
    }
}
