package io.maskgate.agent.actuator;

import io.maskgate.agent.mqtt.BrokerSettings;
import io.maskgate.protocol.CommandAck;
import io.maskgate.protocol.DoorCommand;
import io.maskgate.protocol.MessageCodec;
import io.maskgate.protocol.Topics;
import io.maskgate.protocol.Verdict;
import io.maskgate.protocol.transport.Reconnector;
import java.time.Duration;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;

/**
 * A door actuator on MQTT: subscribes to its door's command topic (QoS 1), lets the {@link CommandHandler} decide,
 * and publishes the signed ack on the door's ack topic. Acks are published from a separate thread (publishing
 * with QoS 1 from inside Paho's callback would block the thread that must read the PUBACK). Reconnects through
 * {@link Reconnector} with a jittered backoff of its own (Paho's automatic reconnect keeps one backoff for every
 * client in the JVM, which a fleet of actuators in one process would share) and subscribes on every connect.
 */
public final class ActuatorSimulator implements AutoCloseable {

    private final BrokerSettings broker;
    private final CommandHandler handler;
    private final MessageCodec codec = new MessageCodec();
    private final ExecutorService acks;
    private final BiConsumer<Verdict<DoorCommand>, CommandAck> listener;
    private MqttClient client;
    private MqttConnectionOptions options;
    private Reconnector reconnector;
    private volatile boolean quiet;
    private volatile boolean closed;

    /** @param listener called after each command with its verdict and the ack sent (null when none); may be null */
    public ActuatorSimulator(BrokerSettings broker, CommandHandler handler,
                             BiConsumer<Verdict<DoorCommand>, CommandAck> listener) {
        this.broker = broker;
        this.handler = handler;
        this.listener = listener;
        this.acks = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "actuator-acks-" + handler.doorId());
            t.setDaemon(true);
            return t;
        });
    }

    public ActuatorSimulator start() throws MqttException {
        client = new MqttClient(broker.url(), "actuator-" + handler.doorId(), new MemoryPersistence());
        client.setTimeToWait(5_000);
        client.setCallback(new Callback());
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
        if (broker.username() != null) {
            o.setUserName(broker.username());
        }
        if (broker.password() != null) {
            o.setPassword(new String(broker.password()).getBytes(StandardCharsets.UTF_8));
        }
        options = o;
        reconnector = new Reconnector("actuator-" + handler.doorId(), this::connectAndSubscribe, client::isConnected,
                () -> !closed, Duration.ofMillis(100), Duration.ofSeconds(5), true);
        connectAndSubscribe();
        reconnector.markConnected();
        return this;
    }

    /**
     * Connect, then subscribe (clean start: the broker kept no subscription). A subscribe that fails drops the
     * connection again, so the next attempt starts from scratch: connected but unsubscribed would hear nothing.
     */
    private void connectAndSubscribe() throws MqttException {
        client.connect(options);
        try {
            subscribe();
        } catch (MqttException | RuntimeException e) {
            try {
                client.disconnectForcibly(0, 1_000, false);
            } catch (MqttException | RuntimeException ignored) {
                // the next attempt reconnects anyway
            }
            throw e;
        }
    }

    /** No per-command log lines (fleet runs). */
    public ActuatorSimulator quiet() {
        this.quiet = true;
        return this;
    }

    /** Whether the MQTT connection is up right now. */
    public boolean connected() {
        MqttClient c = client;
        return c != null && c.isConnected();
    }

    public CommandHandler handler() {
        return handler;
    }

    private void subscribe() throws MqttException {
        client.subscribe(new MqttSubscription[]{new MqttSubscription(Topics.command(handler.doorId()), 1)});
    }

    private void onCommand(String topic, byte[] payload) {
        CommandHandler.Outcome outcome = handler.handle(topic, payload);
        Verdict<DoorCommand> v = outcome.verdict();
        if (quiet) {
            // counted by the listener
        } else if (v.accepted()) {
            DoorCommand c = v.message();
            System.out.printf("actuator %s: %s %s for %d ms (attempt %d)%n", handler.doorId(), c.action(),
                    c.commandId(), c.durationMs(), c.attempt());
        } else {
            System.out.printf("actuator %s: REFUSED %s: %s (door stays %s)%n", handler.doorId(), v.reason(),
                    v.detail(), handler.lock().unlocked() ? "as it was" : "locked");
        }
        CommandAck ack = outcome.ack().orElse(null);
        if (ack != null) {
            byte[] ackPayload = codec.encode(ack);
            acks.execute(() -> {
                try {
                    client.publish(Topics.ack(handler.doorId()), ackPayload, 1, false);
                } catch (MqttException e) {
                    System.err.println("actuator " + handler.doorId() + ": ack not sent: " + e.getMessage());
                }
            });
        }
        if (listener != null) {
            listener.accept(v, ack);
        }
    }

    @Override
    public void close() {
        closed = true;
        if (reconnector != null) {
            reconnector.stop(); // a wait between attempts ends at once
            try {
                // a connect already under way finishes (or times out) before the client is closed
                reconnector.awaitIdle(TimeUnit.SECONDS.toMillis(options.getConnectionTimeout() + 1L));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        acks.shutdown();
        try {
            acks.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (client != null) {
            try {
                if (client.isConnected()) {
                    client.disconnect(1_000);
                }
                client.close(true);
            } catch (MqttException e) {
                try { // e.g. a connect still in progress: cut it and close
                    client.disconnectForcibly(0, 1_000, false);
                    client.close(true);
                } catch (MqttException ignored) {
                    // shutting down
                }
            }
        }
    }

    private final class Callback implements MqttCallback {
        @Override
        public void messageArrived(String topic, MqttMessage message) {
            onCommand(topic, message.getPayload());
        }

        @Override
        public void connectComplete(boolean reconnect, String serverURI) {
            // subscriptions are renewed by start() and reconnect() (clean start: the broker kept none)
        }

        @Override
        public void disconnected(MqttDisconnectResponse response) {
            if (!closed) {
                if (!quiet) {
                    System.out.printf("actuator %s: connection lost; reconnecting (door stays as it is, "
                            + "an unlock still ends on time)%n", handler.doorId());
                }
                reconnector.trigger();
            }
        }

        @Override
        public void mqttErrorOccurred(MqttException exception) {
        }

        @Override
        public void deliveryComplete(IMqttToken token) {
        }

        @Override
        public void authPacketArrived(int reasonCode, MqttProperties properties) {
        }
    }
}
