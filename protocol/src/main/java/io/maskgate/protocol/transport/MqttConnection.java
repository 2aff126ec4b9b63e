package io.maskgate.protocol.transport;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttActionListener;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.eclipse.paho.mqttv5.common.util.MqttTopicValidator;

/**
 * One MQTT v5 client that publishes and subscribes and stays connected: options from {@link MqttClients}, its own
 * {@link Reconnector}, and every subscription renewed on each connect (a connect whose subscriptions fail is
 * dropped and retried: connected but deaf would be worse than offline). Messages are handed to their handlers on
 * a dispatch executor, never on Paho's callback thread, so a handler may publish (with QoS 1, Paho frees an
 * in-flight slot only on its own thread). Publishing is bounded by an in-flight window (at most the broker's
 * Receive Maximum), so bursts wait instead of failing with "too many publishes in progress".
 */
public final class MqttConnection implements AutoCloseable {

    /** Receives the messages of one subscription. */
    @FunctionalInterface
    public interface Handler {
        void onMessage(String topic, byte[] payload);
    }

    private record Sub(String filter, String matchFilter, int qos, boolean noLocal, Handler handler) {
    }

    private static final System.Logger log = System.getLogger(MqttConnection.class.getName());

    private final String name;
    private final MqttClients.Spec spec;
    private final Supplier<MqttConnectionOptions> options;
    private final MqttAsyncClient client;
    private final List<Sub> subs = new CopyOnWriteArrayList<>();
    private final List<Runnable> onConnect = new CopyOnWriteArrayList<>();
    private final Executor dispatch;
    private final ExecutorService ownDispatch;
    private final PublishWindow inflight;
    private final Reconnector reconnector;
    private volatile boolean closed;

    /**
     * @param name     for thread names and logs
     * @param clientId MQTT client id
     * @param options  evaluated at every connect (e.g. a last will that changes)
     * @param dispatch where handlers run; null = a single thread of this connection's own
     * @param window   QoS 1 publishes in flight at once (>= 1; at most the broker's Receive Maximum)
     */
    public MqttConnection(String name, String clientId, MqttClients.Spec spec, Supplier<MqttConnectionOptions> options,
                          Duration reconnectMin, Duration reconnectMax, Executor dispatch, int window) {
        this.name = name;
        this.spec = spec;
        this.options = options;
        try {
            this.client = new MqttAsyncClient(spec.url(), clientId, new MemoryPersistence());
        } catch (MqttException e) {
            throw new IllegalArgumentException("cannot create MQTT client for " + spec.url() + ": " + e.getMessage(),
                    e);
        }
        if (dispatch == null) {
            ownDispatch = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "mqtt-dispatch-" + name);
                t.setDaemon(true);
                return t;
            });
            this.dispatch = ownDispatch;
        } else {
            ownDispatch = null;
            this.dispatch = dispatch;
        }
        this.inflight = new PublishWindow(window);
        this.reconnector = new Reconnector(name, this::connectOnce, client::isConnected, () -> !closed, reconnectMin,
                reconnectMax, true);
        client.setCallback(new Callback());
    }

    /** A clean-session connection with the defaults of units and simulators (200 ms..5 s backoff, window 16). */
    public static MqttConnection clean(String name, String clientId, MqttClients.Spec spec) {
        return new MqttConnection(name, clientId, spec, () -> MqttClients.options(spec), Duration.ofMillis(200),
                Duration.ofSeconds(5), null, 16);
    }

    /** Adds a subscription, renewed on every connect; subscribes at once when already connected. */
    public MqttConnection subscribe(String filter, int qos, Handler handler) {
        return subscribe(filter, qos, false, handler);
    }

    public MqttConnection subscribe(String filter, int qos, boolean noLocal, Handler handler) {
        String match = filter.startsWith("$share/") ? filter.substring(filter.indexOf('/', 7) + 1) : filter;
        Sub sub = new Sub(filter, match, qos, noLocal, handler);
        subs.add(sub);
        if (client.isConnected()) {
            try {
                subscribeAll(List.of(sub));
            } catch (MqttException e) {
                log.log(System.Logger.Level.WARNING, "MQTT {0}: subscribe {1} failed ({2}); renewed on reconnect",
                        name, filter, e.getMessage());
                dropConnection();
            }
        }
        return this;
    }

    /** Runs after every successful connect and subscription (e.g. publish a retained status). */
    public MqttConnection onConnect(Runnable action) {
        onConnect.add(action);
        return this;
    }

    /** Connects now, waiting up to the connect timeout; on failure keeps retrying in the background. */
    public MqttConnection start() {
        try {
            connectOnce();
            reconnector.markConnected();
        } catch (Exception e) {
            log.log(System.Logger.Level.WARNING, "MQTT {0}: first connect to {1} failed ({2}); retrying", name,
                    spec.url(), e.getMessage());
            reconnector.trigger();
        }
        return this;
    }

    /** Connects in the background and returns at once. */
    public MqttConnection startAsync() {
        reconnector.trigger();
        return this;
    }

    private void connectOnce() throws MqttException {
        long timeoutMs = TimeUnit.SECONDS.toMillis(Math.max(1, spec.connectTimeoutSeconds()) + 1L);
        IMqttToken connected = client.connect(options.get());
        connected.waitForCompletion(timeoutMs);
        MqttProperties connack = connected.getResponseProperties();
        inflight.fitTo(connack == null || connack.getReceiveMaximum() == null ? 0 : connack.getReceiveMaximum());
        try {
            subscribeAll(subs);
        } catch (MqttException | RuntimeException e) {
            dropConnection();
            throw e;
        }
        for (Runnable r : onConnect) {
            try {
                r.run();
            } catch (RuntimeException e) {
                log.log(System.Logger.Level.WARNING, "MQTT {0}: on-connect action failed: {1}", name, e.getMessage());
            }
        }
    }

    private void subscribeAll(List<Sub> list) throws MqttException {
        if (list.isEmpty()) {
            return;
        }
        MqttSubscription[] s = new MqttSubscription[list.size()];
        for (int i = 0; i < s.length; i++) {
            s[i] = new MqttSubscription(list.get(i).filter(), list.get(i).qos());
            s[i].setNoLocal(list.get(i).noLocal());
        }
        IMqttToken token = client.subscribe(s);
        token.waitForCompletion(TimeUnit.SECONDS.toMillis(Math.max(1, spec.connectTimeoutSeconds())));
        int[] codes = token.getReasonCodes();
        for (int i = 0; codes != null && i < codes.length && i < s.length; i++) {
            if (codes[i] >= 0x80) {
                throw new MqttException(codes[i]);
            }
        }
    }

    private void dropConnection() {
        try {
            client.disconnectForcibly(0, 1_000, false);
        } catch (MqttException | RuntimeException ignored) {
            // the reconnect loop starts from scratch
        }
    }

    public boolean connected() {
        return client.isConnected();
    }

    /** Blocks until connected or the timeout passes. */
    public boolean awaitConnected(long timeoutMs) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (!client.isConnected()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(20);
        }
        return true;
    }

    /**
     * Publishes, waiting while the in-flight window is full (up to the connect timeout). QoS 0 is not windowed.
     *
     * @throws MqttException not connected, or the broker refused
     */
    public void publish(String topic, byte[] payload, int qos, boolean retained) throws MqttException {
        MqttMessage message = new MqttMessage(payload, qos, retained, null);
        if (qos == 0) {
            client.publish(topic, message);
            return;
        }
        try {
            if (!inflight.tryAcquire(Math.max(1, spec.connectTimeoutSeconds()), TimeUnit.SECONDS)) {
                throw new MqttException(32202 /* too many publishes in progress */);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MqttException(MqttException.REASON_CODE_CLIENT_EXCEPTION, e);
        }
        try {
            client.publish(topic, message, null, new MqttActionListener() {
                @Override
                public void onSuccess(IMqttToken token) {
                    inflight.release();
                }

                @Override
                public void onFailure(IMqttToken token, Throwable exception) {
                    inflight.release();
                }
            });
        } catch (MqttException | RuntimeException e) {
            inflight.release();
            throw e;
        }
    }

    /** QoS 1 publishes this connection keeps in flight at once (the broker's Receive Maximum caps it). */
    public int window() {
        return inflight.size();
    }

    /** Publishes QoS 1 and waits for the broker's PUBACK. */
    public void publishAndWait(String topic, byte[] payload, boolean retained, long timeoutMs) throws MqttException {
        client.publish(topic, new MqttMessage(payload, 1, retained, null)).waitForCompletion(timeoutMs);
    }

    /** Cuts the connection without a clean disconnect (the last will fires); the reconnect loop brings it back. */
    public void cut() {
        dropConnection();
        if (!closed) {
            reconnector.trigger();
        }
    }

    public String clientId() {
        return client.getClientId();
    }

    /** Stops reconnecting, disconnects cleanly (or forcibly) and closes the client. */
    @Override
    public void close() {
        closed = true;
        reconnector.stop();
        try {
            reconnector.awaitIdle(TimeUnit.SECONDS.toMillis(spec.connectTimeoutSeconds() + 1L));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            if (client.isConnected()) {
                client.disconnect(1_000).waitForCompletion(2_000);
            }
        } catch (MqttException | RuntimeException e) {
            dropConnection();
        }
        try {
            client.close(true);
        } catch (MqttException | RuntimeException ignored) {
            // shutting down
        }
        if (ownDispatch != null) {
            ownDispatch.shutdown();
        }
    }

    private final class Callback implements MqttCallback {
        @Override
        public void disconnected(MqttDisconnectResponse response) {
            if (!closed) {
                reconnector.trigger();
            }
        }

        @Override
        public void mqttErrorOccurred(MqttException exception) {
        }

        @Override
        public void messageArrived(String topic, MqttMessage message) {
            byte[] payload = message.getPayload();
            for (Sub s : subs) {
                if (MqttTopicValidator.isMatched(s.matchFilter(), topic)) {
                    try {
                        dispatch.execute(() -> {
                            try {
                                s.handler().onMessage(topic, payload);
                            } catch (RuntimeException e) {
                                log.log(System.Logger.Level.ERROR, "MQTT " + name + ": handler failed on " + topic, e);
                            }
                        });
                    } catch (RuntimeException e) {
                        // executor shut down: closing
                    }
                }
            }
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
