package io.maskgate.service.ota;

import io.maskgate.protocol.MessageCodec;
import io.maskgate.protocol.OtaChunk;
import io.maskgate.protocol.OtaCommand;
import io.maskgate.protocol.OtaFetch;
import io.maskgate.protocol.OtaReport;
import io.maskgate.protocol.OtaVerifier;
import io.maskgate.protocol.Topics;
import io.maskgate.protocol.Verdict;
import io.maskgate.protocol.transport.MqttClients;
import io.maskgate.protocol.transport.MqttConnection;
import io.maskgate.service.config.MaskGateProperties;
import io.maskgate.service.config.MqttEndpoint;
import io.maskgate.service.event.EventWriter;
import io.maskgate.service.unit.UnitRegistry;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import org.springframework.util.StringUtils;

/**
 * The OTA side of MQTT: its own {@link MqttConnection} (a chunk burst never queues behind decisions), shared
 * subscriptions to the units' fetches and reports (replicas split them; rollout state is in the database), and the
 * sending of signed commands and chunks. Every inbound message is verified with the unit's key
 * ({@link OtaVerifier}); refusals are counted by reason and dropped. Handling is striped by unit: one unit's
 * messages stay in order, different units run in parallel.
 */
@Component
public class OtaGateway implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(OtaGateway.class);
    private static final int STRIPES = 4;

    /** Receives verified unit messages (the rollout engine). */
    public interface Listener {
        void onReport(OtaReport report);

        /** Returns the chunk to send, or null when the fetch names no deliverable action. */
        OtaChunk onFetch(OtaFetch fetch);
    }

    private final MqttEndpoint endpoint;
    private final MaskGateProperties.Mqtt config;
    private final UnitRegistry units;
    private final OtaVerifier verifier;
    private final MessageCodec codec;
    private final MeterRegistry meters;
    private final ExecutorService[] stripes = new ExecutorService[STRIPES];
    private final Counter chunkBytes;
    private final Counter messagesOut;
    private final Counter messagesIn;
    private volatile Listener listener;
    private volatile MqttConnection connection;
    private volatile boolean running;

    public OtaGateway(MqttEndpoint endpoint, MaskGateProperties properties, UnitRegistry units, MessageCodec codec,
                      Clock clock, MeterRegistry meters) {
        this.endpoint = endpoint;
        this.config = properties.mqtt();
        this.units = units;
        this.codec = codec;
        this.verifier = new OtaVerifier(codec, clock);
        this.meters = meters;
        this.chunkBytes = Counter.builder("maskgate.ota.chunk.bytes").description("model bytes sent in OTA chunks")
                .register(meters);
        this.messagesOut = Counter.builder("maskgate.ota.messages.out").register(meters);
        this.messagesIn = Counter.builder("maskgate.ota.messages.in").register(meters);
    }

    public void listener(Listener listener) {
        this.listener = listener;
    }

    @Override
    public void start() {
        for (int i = 0; i < STRIPES; i++) {
            int n = i;
            stripes[i] = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "maskgate-ota-" + n);
                t.setDaemon(true);
                return t;
            });
        }
        MqttClients.Spec spec = new MqttClients.Spec(endpoint.url(), endpoint.username(),
                StringUtils.hasText(endpoint.password()) ? endpoint.password().toCharArray() : null, true, 0, 30,
                (int) Math.max(1, config.connectTimeout().toSeconds()), config.inflight());
        String group = config.shareGroup() + "-ota";
        connection = new MqttConnection("ota", config.clientId() + "-ota", spec, () -> MqttClients.options(spec),
                config.reconnectMin(), config.reconnectMax(), null, 256)
                .subscribe(Topics.shared(group, Topics.ALL_OTA_FETCHES), 1, (t, p) -> striped(t, p, this::fetch))
                .subscribe(Topics.shared(group, Topics.ALL_OTA_REPORTS), 1, (t, p) -> striped(t, p, this::report));
        running = true;
        connection.startAsync();
    }

    private record Inbound(String topic, byte[] payload) {
    }

    private void striped(String topic, byte[] payload, Consumer<Inbound> handler) {
        messagesIn.increment();
        int stripe = Math.floorMod(topic.hashCode(), STRIPES);
        try {
            stripes[stripe].execute(() -> {
                try {
                    handler.accept(new Inbound(topic, payload));
                } catch (RuntimeException e) {
                    log.error("OTA message on {} failed", topic, e);
                }
            });
        } catch (RuntimeException e) {
            // shutting down
        }
    }

    private void report(Inbound in) {
        Verdict<OtaReport> v = verifier.fromUnit(in.topic(), in.payload(), OtaReport.class, units);
        if (!v.accepted()) {
            refused("report", v);
            return;
        }
        Listener l = listener;
        if (l != null) {
            l.onReport(v.message());
        }
    }

    private void fetch(Inbound in) {
        Verdict<OtaFetch> v = verifier.fromUnit(in.topic(), in.payload(), OtaFetch.class, units);
        if (!v.accepted()) {
            refused("fetch", v);
            return;
        }
        Listener l = listener;
        OtaChunk chunk = l == null ? null : l.onFetch(v.message());
        if (chunk == null) {
            meters.counter("maskgate.ota.rejected", "kind", "fetch", "reason", "NO_ACTION").increment();
            return;
        }
        try {
            connection.publish(Topics.otaChunk(chunk.unitId()), codec.encode(chunk), 1, false);
            messagesOut.increment();
            chunkBytes.increment((chunk.data().length() / 4) * 3.0);
        } catch (MqttException e) {
            log.debug("chunk to {} not sent: {}", chunk.unitId(), e.getMessage());
        }
    }

    private void refused(String kind, Verdict<?> v) {
        meters.counter("maskgate.ota.rejected", "kind", kind, "reason", v.reason().name()).increment();
        log.debug("OTA {} refused: {} {}", kind, v.reason(), v.detail());
    }

    /** Publishes a signed command to its unit; false when the broker is not reachable now. */
    public boolean send(OtaCommand command) {
        MqttConnection c = connection;
        if (c == null || !c.connected()) {
            return false;
        }
        try {
            c.publish(Topics.ota(command.unitId()), codec.encode(command), 1, false);
            messagesOut.increment();
            return true;
        } catch (MqttException e) {
            log.debug("OTA command to {} not sent: {}", command.unitId(), e.getMessage());
            return false;
        }
    }

    public boolean connected() {
        MqttConnection c = connection;
        return c != null && c.connected();
    }

    @Override
    public void stop() {
        running = false;
        if (connection != null) {
            connection.close();
        }
        for (ExecutorService s : stripes) {
            if (s != null) {
                s.shutdown();
            }
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public boolean isAutoStartup() {
        return !config.disabled();
    }

    @Override
    public int getPhase() {
        return EventWriter.PHASE + 900;
    }
}
