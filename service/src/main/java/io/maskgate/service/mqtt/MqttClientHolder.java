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
 * Owns the service's two Paho MQTT v5 clients. The ingest client holds the persistent session (stable client id:
 * the broker queues QoS 1 decisions for it while we are down). Commands go out through a second client: Paho
 * frees a QoS 1 in-flight slot only on its callback thread, so publishing from the ingest client's own callback
 * thread would deadlock as soon as the broker's receive maximum (Mosquitto: 20) is reached.
 * Kept apart from {@link MqttGateway} (which connects them and routes messages) to avoid a dependency cycle.
 */
@Component
public class MqttClientHolder implements CommandPublisher {

    private final MqttAsyncClient client;
    private final MqttAsyncClient publisher;
    private final MqttEndpoint endpoint;
    private final MaskGateProperties.Tls tls;
    private javax.net.ssl.SSLSocketFactory tlsSocketFactory;

    public MqttClientHolder(MqttEndpoint endpoint, MaskGateProperties properties) throws MqttException {
        this.endpoint = endpoint;
        this.tls = properties.mqtt().tls();
        this.client = new MqttAsyncClient(endpoint.url(), properties.mqtt().clientId(), new MemoryPersistence());
        this.publisher = new MqttAsyncClient(endpoint.url(), properties.mqtt().clientId() + "-pub",
                new MemoryPersistence());
    }

    /** The ingest client (persistent session, subscriptions). */
    public MqttAsyncClient client() {
        return client;
    }

    /** The command client. */
    public MqttAsyncClient publisher() {
        return publisher;
    }

    /** TLS sockets verifying the broker against {@code maskgate.mqtt.tls.ca-file} (ssl:// urls), built once. */
    public synchronized javax.net.ssl.SSLSocketFactory tlsSocketFactory() {
        if (tlsSocketFactory == null) {
            boolean hasCa = tls != null && tls.hasCa();
            boolean hasKeys = tls != null && org.springframework.util.StringUtils.hasText(tls.keyStore());
            tlsSocketFactory = io.maskgate.protocol.transport.TlsSocketFactories.create(
                    hasCa ? java.nio.file.Path.of(tls.caFile()) : null,
                    hasKeys ? java.nio.file.Path.of(tls.keyStore()) : null,
                    hasKeys && tls.keyStorePassword() != null ? tls.keyStorePassword().toCharArray() : null);
        }
        return tlsSocketFactory;
    }

    public MqttEndpoint endpoint() {
        return endpoint;
    }

    @Override
    public void publish(String topic, byte[] payload) throws MqttException {
        MqttMessage message = new MqttMessage(payload, 1, false, null);
        publisher.publish(topic, message);
    }
}
