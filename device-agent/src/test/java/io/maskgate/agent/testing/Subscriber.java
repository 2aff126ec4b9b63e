package io.maskgate.agent.testing;

import io.maskgate.protocol.testing.OnMessage;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttSubscription;

/** A real MQTT client that records what arrives on a filter and can publish (tests only). */
public final class Subscriber implements AutoCloseable {

    /** One received message. */
    public record Received(String topic, byte[] payload, boolean retained) {
    }

    private final MqttClient client;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final Semaphore arrivals = new Semaphore(0);

    public Subscriber(String url, String filter) throws MqttException {
        client = new MqttClient(url, "test-" + System.nanoTime(), new MemoryPersistence());
        client.setCallback(new OnMessage((topic, message) -> {
            received.add(new Received(topic, message.getPayload(), message.isRetained()));
            arrivals.release();
        }));
        MqttConnectionOptions o = new MqttConnectionOptions();
        o.setCleanStart(true);
        client.connect(o);
        if (filter != null) {
            client.subscribe(new MqttSubscription[]{new MqttSubscription(filter, 1)});
        }
    }

    public void publish(String topic, byte[] payload) throws MqttException {
        client.publish(topic, payload, 1, false);
    }

    /** Removes a retained message (empty retained payload) and disconnects; for test clean-up. */
    public void publishRetainedClear(String topic) throws MqttException {
        client.publish(topic, new byte[0], 1, true);
        close();
    }

    /** Waits until at least {@code count} messages arrived in total; false on timeout. */
    public boolean awaitCount(int count, long timeoutMs) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (received.size() < count) {
            long left = deadline - System.currentTimeMillis();
            if (left <= 0 || !arrivals.tryAcquire(left, TimeUnit.MILLISECONDS)) {
                return received.size() >= count;
            }
        }
        return true;
    }

    public List<Received> received() {
        return List.copyOf(received);
    }

    @Override
    public void close() throws MqttException {
        if (client.isConnected()) {
            client.disconnect();
        }
        client.close(true);
    }
}
