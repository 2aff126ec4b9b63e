package io.maskgate.service.mqtt;

import io.maskgate.protocol.Topics;
import io.maskgate.protocol.transport.MqttClients;
import io.maskgate.protocol.transport.Reconnector;
import io.maskgate.service.command.CommandDispatcher;
import io.maskgate.service.config.MaskGateProperties;
import io.maskgate.service.decision.DecisionPipeline;
import io.maskgate.service.event.EventWriter;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttActionListener;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import org.springframework.util.StringUtils;

/**
 * MQTT ingest. Persistent session (clean start off, session expiry set) so the broker queues QoS 1 decisions while
 * the service is down; decisions through a shared subscription ($share/group/...) so replicas split the load;
 * acks and unit status through plain subscriptions (every replica must see the acks of its own commands);
 * reconnect with our own per-client backoff ({@link Reconnector}); a receive-maximum bounds unacknowledged
 * inbound messages. Manual acknowledgements: a decision is acknowledged to the broker only once its events are
 * committed, so a crash never loses an acknowledged decision (the broker redelivers the others, and the event
 * log stores each (unit, seq) once).
 * Started last and stopped first, so the event writer still flushes everything ingested.
 */
@Component
public class MqttGateway implements SmartLifecycle, MqttCallback {

    private static final Logger log = LoggerFactory.getLogger(MqttGateway.class);

    private final MqttClientHolder holder;
    private final DecisionPipeline decisions;
    private final CommandDispatcher commands;
    private final UnitPresence presence;
    private final io.maskgate.service.unit.ReplicaSequenceSync replicaSync;
    private final io.maskgate.service.verify.FrameIngest frames;
    private final MaskGateProperties.Mqtt config;
    private final CountDownLatch firstSubscription = new CountDownLatch(1);
    private volatile boolean running;
    private volatile boolean subscribed;
    private volatile boolean acksSubscribed;
    private volatile boolean replicaSyncSubscribed;
    private final CountDownLatch firstAckSubscription = new CountDownLatch(1);
    /** Counts ingest connections: an acknowledgement is sent only on the connection its message came in on. */
    private final java.util.concurrent.atomic.AtomicInteger ingestConnection = new java.util.concurrent.atomic.AtomicInteger();
    private volatile Reconnector clientReconnector;
    private volatile Reconnector publisherReconnector;

    public MqttGateway(MqttClientHolder holder, DecisionPipeline decisions, CommandDispatcher commands,
                       UnitPresence presence, io.maskgate.service.unit.ReplicaSequenceSync replicaSync,
                       MaskGateProperties properties, io.maskgate.service.verify.FrameIngest frames) {
        this.frames = frames;
        this.holder = holder;
        this.replicaSync = replicaSync;
        this.decisions = decisions;
        this.commands = commands;
        this.presence = presence;
        this.config = properties.mqtt();
    }

    /**
     * The subscription of decisions: shared on a configured broker (e.g. $share/maskgate/maskgate/v1/units/+/decision),
     * so replicas split the load; plain on the in-process broker, where this service is the only consumer. HiveMQ CE
     * removes an acknowledged message from a shared subscription's queue by scanning the whole queue, so with a
     * backlog every PUBACK cost O(backlog) on a broker thread and ingest collapsed (bench decisions: 93 % of samples
     * in that scan); a plain subscription's queue stops at the acknowledged message, which is at its head.
     */
    public String decisionSubscription() {
        return holder.endpoint().embedded() ? Topics.ALL_DECISIONS
                : Topics.shared(config.shareGroup(), Topics.ALL_DECISIONS);
    }

    @Override
    public void start() {
        MqttAsyncClient client = holder.client();
        client.setCallback(this);
        // durable before acknowledged: a decision's PUBACK goes out once its events are committed (EventWriter)
        client.setManualAcks(true);
        holder.publisher().setCallback(new CommandClientCallback());
        running = true;
        long timeoutMs = config.connectTimeout().toMillis();
        publisherReconnector = new Reconnector("commands",
                () -> holder.publisher().connect(options(true)).waitForCompletion(timeoutMs),
                holder.publisher()::isConnected, () -> running, config.reconnectMin(), config.reconnectMax());
        clientReconnector = new Reconnector("ingest",
                () -> holder.client().connect(options(false)).waitForCompletion(timeoutMs),
                holder.client()::isConnected, () -> running, config.reconnectMin(), config.reconnectMax());
        // the ingest client connects once the command client is subscribed (acks, replica sync): a replica must
        // not act on decisions before it can hear which ones the other replicas accepted
        publisherReconnector.trigger();
        try {
            if (!firstSubscription.await(config.connectTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn("MQTT broker {} not reachable yet; retrying in the background", holder.endpoint().url());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Ingest: persistent session. Commands: a clean session (a lost command simply expires and is retried). */
    private MqttConnectionOptions options(boolean commandClient) {
        String password = holder.endpoint().password();
        MqttClients.Spec spec = new MqttClients.Spec(holder.endpoint().url(), holder.endpoint().username(),
                StringUtils.hasText(password) ? password.toCharArray() : null, commandClient,
                commandClient ? 0L : config.sessionExpiry().toSeconds(), 30,
                (int) Math.max(1, config.connectTimeout().toSeconds()), config.inflight());
        // our own Reconnector: Paho's automatic reconnect shares one backoff among all clients (see Reconnector)
        MqttConnectionOptions o = MqttClients.options(spec);
        if (holder.endpoint().url().startsWith("ssl://")) {
            MqttClients.withTls(o, holder.tlsSocketFactory());
        }
        if (config.maxPacketSize() != null) {
            // MQTT 5: the broker must not send us a bigger packet (it drops the message), so a hostile 256 MB
            // publish is never buffered here before the protocol's size checks
            o.setMaximumPacketSize(config.maxPacketSize().toBytes());
        }
        return o;
    }

    private String otherDecisionSubscription() {
        return holder.endpoint().embedded() ? Topics.shared(config.shareGroup(), Topics.ALL_DECISIONS)
                : Topics.ALL_DECISIONS;
    }

    @Override
    public void connectComplete(boolean reconnect, String serverURI) {
        ingestConnection.incrementAndGet();
        // frames: a plain subscription, so the replica holding a decision also gets its frame (a shared one could
        // hand the frame to another replica)
        MqttSubscription[] subs = {
                new MqttSubscription(decisionSubscription(), 1),
                new MqttSubscription(Topics.ALL_STATUS, 0),
                new MqttSubscription(Topics.ALL_FRAMES, 1)};
        try {
            // the persistent session may still hold the other form of the decision subscription (an earlier run on
            // the other kind of broker): both would deliver every decision twice
            holder.client().unsubscribe(otherDecisionSubscription());
            // asynchronous: blocking inside a Paho callback can stall the client
            holder.client().subscribe(subs, null, new MqttActionListener() {
                @Override
                public void onSuccess(IMqttToken token) {
                    int[] codes = token.getReasonCodes();
                    for (int i = 0; codes != null && i < codes.length && i < subs.length; i++) {
                        if (codes[i] >= 0x80) {
                            log.error("broker refused subscription {} (reason code {})", subs[i].getTopic(),
                                    codes[i]);
                        }
                    }
                    subscribed = true;
                    log.info("MQTT {} to {} as {}; subscribed to {}, {}",
                            reconnect ? "reconnected" : "connected", serverURI, holder.client().getClientId(),
                            subs[0].getTopic(), subs[1].getTopic());
                    firstSubscription.countDown();
                }

                @Override
                public void onFailure(IMqttToken token, Throwable e) {
                    log.error("MQTT subscribe failed: {}", e == null ? "?" : e.getMessage());
                }
            }, new MqttProperties());
        } catch (MqttException e) {
            log.error("MQTT subscribe failed: {}", e.getMessage());
        }
    }

    @Override
    public void messageArrived(String topic, MqttMessage message) {
        long arrived = System.nanoTime();
        Runnable ack = acknowledgement(message);
        boolean handedOver = false;
        try {
            String kind = Topics.kindOf(topic).orElse("");
            switch (kind) {
                case "decision" -> {
                    decisions.onDecision(topic, message.getPayload(), arrived, ack);
                    handedOver = true;
                }
                case "ack" -> commands.onAck(topic, message.getPayload());
                case "status" -> presence.onStatus(topic, message.getPayload());
                case "frame" -> frames.onFrame(topic, message.getPayload(), arrived);
                default -> log.debug("ignoring message on {}", topic);
            }
        } catch (RuntimeException e) {
            // never let one message kill the callback thread (Paho would drop the connection)
            log.error("unexpected failure handling a message on {}", topic, e);
        }
        if (!handedOver) {
            ack.run();
        }
    }

    /**
     * The PUBACK of a QoS 1 message, to send once what it caused is durable. Only on the connection it arrived
     * on: after a reconnect the broker redelivers unacknowledged messages, and a packet id of the old connection
     * may already name another message on the new one.
     */
    private Runnable acknowledgement(MqttMessage message) {
        int qos = message.getQos();
        if (qos == 0) {
            return () -> { };
        }
        int id = message.getId();
        int connection = ingestConnection.get();
        return () -> {
            if (connection != ingestConnection.get()) {
                return; // redelivered on the new connection, acknowledged there
            }
            try {
                holder.client().messageArrivedComplete(id, qos);
            } catch (MqttException | RuntimeException e) {
                log.debug("acknowledgement of message {} not sent: {}", id, e.getMessage());
            }
        };
    }

    @Override
    public void disconnected(MqttDisconnectResponse response) {
        subscribed = false;
        log.warn("MQTT disconnected: {}", response);
        reconnect(clientReconnector);
    }

    @Override
    public void mqttErrorOccurred(MqttException exception) {
        log.warn("MQTT error: {}", exception.getMessage());
    }

    private void reconnect(Reconnector reconnector) {
        if (running && reconnector != null) {
            reconnector.trigger();
        }
    }

    @Override
    public void deliveryComplete(IMqttToken token) {
        // QoS 1 command delivered to the broker; the actuator's ack is what counts
    }

    @Override
    public void authPacketArrived(int reasonCode, MqttProperties properties) {
        // no enhanced authentication
    }

    public boolean isConnected() {
        return holder.client().isConnected() && holder.publisher().isConnected() && subscribed && acksSubscribed
                && replicaSyncOk();
    }

    /** True when the replica sync is off or its subscription is in place. */
    public boolean replicaSyncOk() {
        return !replicaSync.enabled() || replicaSyncSubscribed;
    }

    /** Blocks until the first subscription is in place (tests, bench). */
    public boolean awaitSubscribed(long timeoutMs) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        return firstAckSubscription.await(timeoutMs, TimeUnit.MILLISECONDS)
                && firstSubscription.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    }

    @Override
    public void stop() {
        running = false;
        for (Reconnector r : new Reconnector[] {clientReconnector, publisherReconnector}) {
            if (r != null) {
                r.stop();
            }
        }
        for (MqttAsyncClient client : new MqttAsyncClient[] {holder.client(), holder.publisher()}) {
            try {
                if (client.isConnected()) {
                    // the ingest session (and its queued QoS 1 messages) outlives this disconnect
                    client.disconnect(5_000).waitForCompletion(10_000);
                }
            } catch (MqttException e) {
                log.warn("MQTT disconnect of {}: {}", client.getClientId(), e.getMessage());
            }
            try {
                client.close(true);
            } catch (MqttException e) {
                log.debug("MQTT close: {}", e.getMessage());
            }
        }
        subscribed = false;
        log.info("MQTT ingest stopped");
    }

    @Override
    public boolean isAutoStartup() {
        return !config.disabled();
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /**
     * Callback of the command client: it also carries the acks (unshared subscription, every replica sees the
     * acks of its own commands), so acks are never queued behind a backlog of decisions.
     */
    private final class CommandClientCallback implements MqttCallback {
        @Override
        public void connectComplete(boolean reconnect, String serverURI) {
            MqttSubscription acks = new MqttSubscription(Topics.ALL_ACKS, 1);
            MqttSubscription sync = new MqttSubscription(Topics.REPLICA_SEQUENCES, 0);
            sync.setNoLocal(true); // our own pairs need not come back
            MqttSubscription[] subs = replicaSync.enabled() ? new MqttSubscription[] {acks, sync}
                    : new MqttSubscription[] {acks};
            try {
                holder.publisher().subscribe(subs, null,
                        new MqttActionListener() {
                            @Override
                            public void onSuccess(IMqttToken token) {
                                int[] codes = token.getReasonCodes();
                                boolean syncOk = true;
                                for (int i = 0; codes != null && i < codes.length && i < subs.length; i++) {
                                    if (codes[i] >= 0x80) {
                                        log.error("broker refused subscription {} (reason code {}){}",
                                                subs[i].getTopic(), codes[i], subs[i] == sync
                                                        ? ": replay protection across replicas is off; give the "
                                                        + "service read/write on it in the broker ACL" : "");
                                        syncOk &= subs[i] != sync;
                                    }
                                }
                                replicaSyncSubscribed = syncOk;
                                acksSubscribed = true;
                                firstAckSubscription.countDown();
                                if (!holder.client().isConnected()) {
                                    clientReconnector.trigger();
                                }
                            }

                            @Override
                            public void onFailure(IMqttToken token, Throwable e) {
                                log.error("MQTT ack subscription failed: {}", e == null ? "?" : e.getMessage());
                            }
                        }, new MqttProperties());
            } catch (MqttException e) {
                log.error("MQTT ack subscription failed: {}", e.getMessage());
            }
        }

        @Override
        public void messageArrived(String topic, MqttMessage message) {
            try {
                if (Topics.REPLICA_SEQUENCES.equals(topic)) {
                    replicaSync.onMessage(message.getPayload());
                } else {
                    commands.onAck(topic, message.getPayload());
                }
            } catch (RuntimeException e) {
                log.error("unexpected failure handling a message on {}", topic, e);
            }
        }

        @Override
        public void disconnected(MqttDisconnectResponse response) {
            acksSubscribed = false;
            log.warn("MQTT command client disconnected: {}", response);
            reconnect(publisherReconnector);
        }

        @Override
        public void mqttErrorOccurred(MqttException exception) {
            log.warn("MQTT command client error: {}", exception.getMessage());
        }

        @Override
        public void deliveryComplete(IMqttToken token) {
        }

        @Override
        public void authPacketArrived(int reasonCode, MqttProperties properties) {
        }
    }

    /** Stops before the event writer ({@link EventWriter#PHASE}). */
    @Override
    public int getPhase() {
        return EventWriter.PHASE + 1000;
    }
}
