package io.maskgate.agent.mqtt;

import io.maskgate.protocol.Topics;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;

/**
 * A unit's MQTT v5 connection (Eclipse Paho). One sender thread publishes everything from the {@link OfflineBuffer}
 * in order with QoS 1, removing a message only after the broker's PUBACK, so a broker outage just lets the buffer
 * fill and reconnecting drains it in order (a message in flight at the cut may arrive twice; the service stores
 * (unit, seq) once). The unit's status is a single retained slot (latest wins, not buffered); the last will
 * publishes the offline status when the connection dies, and {@link #close()} publishes it explicitly.
 */
public final class MqttLink implements DecisionSink, AutoCloseable {

    private static final long MIN_BACKOFF_MS = 200;
    private static final long MAX_BACKOFF_MS = 5_000;

    private final BrokerSettings broker;
    private final String clientId;
    private final String statusTopic;
    private final Supplier<byte[]> offlineStatus;
    private final OfflineBuffer buffer;
    private final AtomicReference<byte[]> pendingStatus = new AtomicReference<>();
    private final AtomicLong published = new AtomicLong();
    private final AtomicLong connects = new AtomicLong();
    private final Thread sender;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile MqttClient client;
    private volatile boolean running = true;
    private volatile boolean connected;
    private long backoffMs = MIN_BACKOFF_MS;

    /**
     * @param unitId        the unit (client id and status topic)
     * @param offlineStatus encoded offline UnitStatus, evaluated at each connect (last will) and at close
     */
    public MqttLink(BrokerSettings broker, String unitId, Supplier<byte[]> offlineStatus, OfflineBuffer buffer) {
        this.broker = broker;
        this.clientId = "unit-" + unitId;
        this.statusTopic = Topics.status(unitId);
        this.offlineStatus = offlineStatus;
        this.buffer = buffer;
        this.sender = new Thread(this::run, "mqtt-link-" + unitId);
        this.sender.setDaemon(true);
    }

    public MqttLink start() {
        sender.start();
        return this;
    }

    /** Queues a QoS 1 message (decision or frame upload); never blocks the camera loop. */
    @Override
    public void publish(String topic, byte[] payload) {
        buffer.add(new OfflineBuffer.Outgoing(topic, payload));
    }

    /** Sets the latest retained status; replaces one not yet sent. */
    @Override
    public void status(byte[] payload) {
        pendingStatus.set(payload);
    }

    public boolean connected() {
        return connected;
    }

    @Override
    public int queueDepth() {
        return buffer.size();
    }

    public long published() {
        return published.get();
    }

    public long dropped() {
        return buffer.dropped();
    }

    /** Successful connections after the first one. */
    public long reconnects() {
        return Math.max(0, connects.get() - 1);
    }

    private void run() {
        try {
            while (running) {
                if (!ensureConnected()) {
                    continue;
                }
                byte[] status = pendingStatus.getAndSet(null);
                if (status != null && !send(statusTopic, status, true)) {
                    pendingStatus.compareAndSet(null, status);
                    continue;
                }
                OfflineBuffer.Outgoing next = buffer.peek(100, TimeUnit.MILLISECONDS);
                if (next != null && send(next.topic(), next.payload(), false)) {
                    buffer.removeIfHead(next);
                    published.incrementAndGet();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            stopped.countDown();
        }
    }

    private boolean ensureConnected() throws InterruptedException {
        if (connected && client != null && client.isConnected()) {
            return true;
        }
        connected = false;
        dispose();
        try {
            MqttClient c = new MqttClient(broker.url(), clientId, new MemoryPersistence());
            c.setTimeToWait(5_000);
            c.setCallback(new Callback());
            c.connect(options());
            client = c;
            connected = true;
            connects.incrementAndGet();
            backoffMs = MIN_BACKOFF_MS;
            return true;
        } catch (MqttException | RuntimeException e) {
            dispose();
            Thread.sleep(backoffMs);
            backoffMs = Math.min(backoffMs * 2, MAX_BACKOFF_MS);
            return false;
        }
    }

    private MqttConnectionOptions options() {
        MqttConnectionOptions o = new MqttConnectionOptions();
        o.setCleanStart(true);
        o.setAutomaticReconnect(false);
        o.setConnectionTimeout(5);
        o.setKeepAliveInterval(10);
        javax.net.SocketFactory sockets = broker.socketFactory();
        if (sockets != null) {
            o.setSocketFactory(sockets);
            o.setHttpsHostnameVerificationEnabled(true);
        }
        o.setWill(statusTopic, new MqttMessage(offlineStatus.get(), 1, true, new MqttProperties()));
        if (broker.username() != null) {
            o.setUserName(broker.username());
        }
        if (broker.password() != null) {
            o.setPassword(new String(broker.password()).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        return o;
    }

    private boolean send(String topic, byte[] payload, boolean retained) {
        MqttClient c = client;
        if (c == null) {
            return false;
        }
        try {
            c.publish(topic, payload, 1, retained);
            return true;
        } catch (MqttException | RuntimeException e) {
            connected = false;
            return false;
        }
    }

    private void dispose() {
        MqttClient c = client;
        client = null;
        if (c != null) {
            try {
                c.disconnectForcibly(0, 100, false);
            } catch (MqttException | RuntimeException ignored) {
                // already gone
            }
            try {
                c.close(true);
            } catch (MqttException | RuntimeException ignored) {
                // already closed
            }
        }
    }

    /** Stops the sender, publishes the offline status (a clean disconnect does not fire the will) and disconnects. */
    @Override
    public void close() {
        running = false;
        sender.interrupt();
        try {
            stopped.await(6, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        MqttClient c = client;
        if (c != null && c.isConnected()) {
            try {
                c.publish(statusTopic, offlineStatus.get(), 1, true);
                c.disconnect(2_000);
            } catch (MqttException | RuntimeException ignored) {
                // the will covers it
            }
        }
        dispose();
        connected = false;
    }

    private final class Callback implements MqttCallback {
        @Override
        public void disconnected(MqttDisconnectResponse response) {
            connected = false;
        }

        @Override
        public void mqttErrorOccurred(MqttException exception) {
        }

        @Override
        public void messageArrived(String topic, MqttMessage message) {
        }

        @Override
        public void deliveryComplete(IMqttToken token) {
        }

        @Override
        public void connectComplete(boolean reconnect, String serverURI) {
        }

        @Override
        public void authPacketArrived(int reasonCode, MqttProperties properties) {
        }
    }
}
