package io.maskgate.agent.actuator;

import io.maskgate.agent.mqtt.BrokerSettings;
import io.maskgate.protocol.CommandAck;
import io.maskgate.protocol.DoorCommand;
import io.maskgate.protocol.MessageCodec;
import io.maskgate.protocol.Topics;
import io.maskgate.protocol.Verdict;
import io.maskgate.protocol.transport.MqttClients;
import io.maskgate.protocol.transport.MqttConnection;
import java.time.Duration;
import java.util.function.BiConsumer;
import org.eclipse.paho.mqttv5.common.MqttException;

/**
 * A door actuator on MQTT: subscribes to its door's command topic (QoS 1), lets the {@link CommandHandler} decide,
 * and publishes the signed ack on the door's ack topic. Runs on the shared {@link MqttConnection}: its own jittered
 * reconnect loop (Paho's automatic reconnect keeps one backoff for every client in the JVM, which a fleet of
 * actuators in one process would share), the subscription renewed on every connect, and commands handled off
 * Paho's callback thread, so the QoS 1 ack can be published right away.
 */
public final class ActuatorSimulator implements AutoCloseable {

    private final BrokerSettings broker;
    private final CommandHandler handler;
    private final MessageCodec codec = new MessageCodec();
    private final BiConsumer<Verdict<DoorCommand>, CommandAck> listener;
    private MqttConnection connection;
    private volatile boolean quiet;

    /** @param listener called after each command with its verdict and the ack sent (null when none); may be null */
    public ActuatorSimulator(BrokerSettings broker, CommandHandler handler,
                             BiConsumer<Verdict<DoorCommand>, CommandAck> listener) {
        this.broker = broker;
        this.handler = handler;
        this.listener = listener;
    }

    /** Connects and subscribes; throws when the first connect fails (the caller decides whether to go on). */
    public ActuatorSimulator start() throws MqttException {
        MqttClients.Spec spec = MqttClients.Spec.clean(broker.url(), broker.username(), broker.password());
        connection = new MqttConnection("actuator-" + handler.doorId(), "actuator-" + handler.doorId(), spec,
                () -> MqttClients.withTls(MqttClients.options(spec), broker.socketFactory()), Duration.ofMillis(100),
                Duration.ofSeconds(5), null, 16)
                .subscribe(Topics.command(handler.doorId()), 1, this::onCommand)
                .start();
        if (!connection.connected()) {
            connection.close();
            throw new MqttException(MqttException.REASON_CODE_CLIENT_EXCEPTION);
        }
        return this;
    }

    /** No per-command log lines (fleet runs). */
    public ActuatorSimulator quiet() {
        this.quiet = true;
        return this;
    }

    /** Whether the MQTT connection is up right now. */
    public boolean connected() {
        MqttConnection c = connection;
        return c != null && c.connected();
    }

    public CommandHandler handler() {
        return handler;
    }

    private void onCommand(String topic, byte[] payload) {
        CommandHandler.Outcome outcome = handler.handle(topic, payload);
        Verdict<DoorCommand> v = outcome.verdict();
        if (quiet) {
            // counted by the listener
        } else if (outcome.superseded()) {
            System.out.printf("actuator %s: NOT EXECUTED %s %s: issued before the last command executed%n",
                    handler.doorId(), v.message().action(), v.message().commandId());
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
            try {
                connection.publish(Topics.ack(handler.doorId()), codec.encode(ack), 1, false);
            } catch (MqttException e) {
                System.err.println("actuator " + handler.doorId() + ": ack not sent: " + e.getMessage());
            }
        }
        if (listener != null) {
            listener.accept(v, ack);
        }
    }

    @Override
    public void close() {
        if (connection != null) {
            connection.close();
        }
    }
}
