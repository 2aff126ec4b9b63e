package io.maskgate.service.it;

import io.maskgate.protocol.MessageCodec;
import io.maskgate.protocol.testing.OnMessage;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.BiConsumer;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;

/**
 * A plain MQTT v5 client for the tests: plays a door unit (publishes decisions) and a door actuator (receives
 * commands, stamped with their arrival time, and may answer with acks).
 */
public final class MqttTestClient implements AutoCloseable {

    /** A received message and when it arrived ({@link System#nanoTime()}). */
    public record Received(String topic, byte[] payload, long arrivedNanos) {
    }

    public static final MessageCodec CODEC = new MessageCodec();

    private final MqttAsyncClient client;
    private final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
    private volatile BiConsumer<String, byte[]> onMessage = (t, p) -> { };

    public MqttTestClient(String url, String clientId) throws MqttException {
        client = new MqttAsyncClient(url, clientId, new MemoryPersistence());
        client.setCallback(new OnMessage((topic, message) -> {
            received.add(new Received(topic, message.getPayload(), System.nanoTime()));
            onMessage.accept(topic, message.getPayload());
        }));
        MqttConnectionOptions o = new MqttConnectionOptions();
        o.setCleanStart(true);
        o.setSessionExpiryInterval(0L);
        o.setAutomaticReconnect(true);
        o.setReceiveMaximum(1000);
        client.connect(o).waitForCompletion(20_000);
    }

    public void subscribe(String filter) throws MqttException {
        client.subscribe(filter, 1).waitForCompletion(10_000);
    }

    /** Called on Paho's callback thread for every message (e.g. to send an ack). */
    public void onMessage(BiConsumer<String, byte[]> handler) {
        this.onMessage = handler;
    }

    public IMqttToken publish(String topic, byte[] payload) throws MqttException {
        return client.publish(topic, payload, 1, false);
    }

    public boolean isConnected() {
        return client.isConnected();
    }

    /** Publishes and waits for the broker's PUBACK. */
    public void publishAndWait(String topic, byte[] payload) throws MqttException {
        client.publish(topic, payload, 1, false).waitForCompletion(10_000);
    }

    public BlockingQueue<Received> received() {
        return received;
    }

    @Override
    public void close() throws MqttException {
        if (client.isConnected()) {
            client.disconnect().waitForCompletion(5_000);
        }
        client.close(true);
    }
}
