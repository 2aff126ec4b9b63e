package io.maskgate.agent.mqtt;

import io.maskgate.protocol.Topics;
import io.maskgate.protocol.transport.MqttClients;
import io.maskgate.protocol.transport.MqttConnection;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.eclipse.paho.mqttv5.common.MqttException;

/**
 * A unit's MQTT v5 connection, on the shared {@link MqttConnection} (its own reconnect loop, subscriptions renewed
 * on every connect). One sender thread publishes everything from the {@link OfflineBuffer} in order with QoS 1,
 * removing a message only after the broker's PUBACK, so a broker outage just lets the buffer fill and reconnecting
 * drains it in order (a message in flight at the cut may arrive twice; the service stores (unit, seq) once). The
 * unit's status is a single retained slot (latest wins, not buffered); the last will publishes the offline status
 * when the connection dies, and {@link #close()} publishes it explicitly. Other parts of the unit (the OTA client)
 * subscribe and publish on the same connection through {@link #subscribe} and {@link #publishNow}.
 */
public final class MqttLink implements DecisionSink, AutoCloseable {

    private final String statusTopic;
    private final Supplier<byte[]> offlineStatus;
    private final OfflineBuffer buffer;
    private final MqttConnection connection;
    private final AtomicReference<byte[]> pendingStatus = new AtomicReference<>();
    private final AtomicLong published = new AtomicLong();
    private final AtomicLong connects = new AtomicLong();
    private final Thread sender;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean running = true;

    /**
     * @param unitId        the unit (client id and status topic)
     * @param offlineStatus encoded offline UnitStatus, evaluated at each connect (last will) and at close
     */
    public MqttLink(BrokerSettings broker, String unitId, Supplier<byte[]> offlineStatus, OfflineBuffer buffer) {
        this.statusTopic = Topics.status(unitId);
        this.offlineStatus = offlineStatus;
        this.buffer = buffer;
        MqttClients.Spec spec = MqttClients.Spec.clean(broker.url(), broker.username(), broker.password());
        this.connection = new MqttConnection("unit-" + unitId, "unit-" + unitId, spec,
                () -> MqttClients.withTls(MqttClients.options(spec, statusTopic, offlineStatus.get()),
                        broker.socketFactory()), Duration.ofMillis(200),
                Duration.ofSeconds(5), null, 16).onConnect(connects::incrementAndGet);
        this.sender = new Thread(this::run, "mqtt-link-" + unitId);
        this.sender.setDaemon(true);
    }

    /** Connects in the background and starts the sender. Subscribe before, so the first connect subscribes too. */
    public MqttLink start() {
        connection.startAsync();
        sender.start();
        return this;
    }

    /** Queues a QoS 1 message (decision or frame upload); never blocks the camera loop. */
    @Override
    public void publish(String topic, byte[] payload) {
        buffer.add(new OfflineBuffer.Outgoing(topic, payload));
    }

    /** Publishes QoS 1 now, not through the offline buffer (OTA fetches and reports: stale ones are useless). */
    public void publishNow(String topic, byte[] payload) throws MqttException {
        connection.publish(topic, payload, 1, false);
    }

    /** Adds a subscription on the unit's connection (renewed on every reconnect). */
    public MqttLink subscribe(String filter, MqttConnection.Handler handler) {
        connection.subscribe(filter, 1, handler);
        return this;
    }

    /** Runs after every (re)connect, once the subscriptions are in place. */
    public MqttLink onConnect(Runnable action) {
        connection.onConnect(action);
        return this;
    }

    /** Sets the latest retained status; replaces one not yet sent. */
    @Override
    public void status(byte[] payload) {
        pendingStatus.set(payload);
    }

    public boolean connected() {
        return connection.connected();
    }

    /** Drops the connection without a clean disconnect (tests: a unit going offline); it reconnects by itself. */
    public void cut() {
        connection.cut();
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
                if (!connection.connected()) {
                    Thread.sleep(50);
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

    private boolean send(String topic, byte[] payload, boolean retained) throws InterruptedException {
        try {
            connection.publishAndWait(topic, payload, retained, 5_000);
            return true;
        } catch (MqttException | RuntimeException e) {
            Thread.sleep(50); // the connection's own loop reconnects
            return false;
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
        if (connection.connected()) {
            try {
                connection.publishAndWait(statusTopic, offlineStatus.get(), true, 2_000);
            } catch (MqttException | RuntimeException ignored) {
                // the will covers it
            }
        }
        connection.close();
    }
}
