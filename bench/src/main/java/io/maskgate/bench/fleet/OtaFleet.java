package io.maskgate.bench.fleet;

import io.maskgate.agent.mqtt.BrokerSettings;
import io.maskgate.agent.ota.MemorySlotStorage;
import io.maskgate.agent.ota.ModelInstaller;
import io.maskgate.agent.ota.OtaUnit;
import io.maskgate.agent.ota.SelfTestRunner;
import io.maskgate.agent.ota.SlotStorage;
import io.maskgate.protocol.FleetKey;
import io.maskgate.protocol.HmacKey;
import io.maskgate.protocol.MessageCodec;
import io.maskgate.protocol.OtaChunk;
import io.maskgate.protocol.Topics;
import io.maskgate.protocol.UnitStatus;
import io.maskgate.protocol.transport.MqttClients;
import io.maskgate.protocol.transport.MqttConnection;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.paho.mqttv5.common.MqttException;

/**
 * Simulated door units for OTA tests and the rollout benchmark: each unit runs the real {@link OtaUnit} (two slots
 * in memory, real tinyml self-tests) on the real broker. Several units may share one MQTT connection (the bench:
 * a thousand units need not be a thousand sockets in one JVM); with one unit per connection a unit can be cut off
 * and come back like a real one. Faults are injected per unit: a corrupted chunk, a wrong fleet key (every manifest
 * fails its signature), self-tests that compute differently, or a unit that never answers.
 */
public final class OtaFleet implements AutoCloseable {

    /** Per-unit faults. */
    public record Faults(boolean corruptFirstChunk, boolean wrongFleetKey, boolean failSelfTest, boolean silent,
                         long cutAtBytes) {
        public static final Faults NONE = new Faults(false, false, false, false, 0);

        public static Faults corruptChunk() {
            return new Faults(true, false, false, false, 0);
        }

        public static Faults wrongKey() {
            return new Faults(false, true, false, false, 0);
        }

        public static Faults selfTestFails() {
            return new Faults(false, false, true, false, 0);
        }

        public static Faults neverAnswers() {
            return new Faults(false, false, false, true, 0);
        }

        /** Loses its connection (and the chunk in flight) once it holds this many bytes of a download. */
        public static Faults cutAt(long bytes) {
            return new Faults(false, false, false, false, bytes);
        }
    }

    /** One simulated unit. */
    public final class SimUnit {
        private final String unitId;
        private final HmacKey key;
        private final Faults faults;
        private final SlotStorage storage = new MemorySlotStorage();
        private final AtomicBoolean corrupted = new AtomicBoolean();
        private final AtomicBoolean cut = new AtomicBoolean();
        private final List<OtaUnit.LogEntry> history = new java.util.concurrent.CopyOnWriteArrayList<>();
        private volatile OtaUnit ota;
        private volatile MqttConnection connection;
        private volatile int arena;

        SimUnit(String unitId, HmacKey key, Faults faults) {
            this.unitId = unitId;
            this.key = key;
            this.faults = faults;
        }

        public String unitId() {
            return unitId;
        }

        void boot() throws Exception {
            if (ota != null) {
                history.addAll(ota.log());
            }
            FleetKey fk = faults.wrongFleetKey() ? FleetKey.generate().publicOnly() : fleetKey;
            ModelInstaller tinyml = SelfTestRunner.tinymlInstaller();
            ModelInstaller installer = (version, model) -> {
                ModelInstaller.Installed real = tinyml.install(version, model);
                arena = real.arenaBytes();
                if (!faults.failSelfTest()) {
                    return real;
                }
                return new ModelInstaller.Installed(real.arenaBytes(), input -> {
                    byte[] out = real.selfTest().run(input);
                    out[0]++; // a unit whose arithmetic differs from TFLite Micro's
                    return out;
                });
            };
            ota = new OtaUnit(unitId, key, fk, storage, installer, (topic, payload) -> {
                connection.publish(topic, payload, 1, false);
                messagesOut.incrementAndGet();
            }, clock, timer);
            ota.boot(factoryVersion, factoryModel);
        }

        void onMessage(String topic, byte[] payload) {
            if (faults.silent()) {
                return;
            }
            if (faults.cutAtBytes() > 0 && topic.endsWith("/ota-chunk")
                    && ota.downloadedBytes() >= faults.cutAtBytes() && cut.compareAndSet(false, true)) {
                connection.cut(); // offline mid-download: this chunk is lost, the unit resumes after reconnecting
                return;
            }
            if (faults.corruptFirstChunk() && topic.endsWith("/ota-chunk") && corrupted.compareAndSet(false, true)) {
                payload = corrupt(payload);
            }
            ota.onMessage(topic, payload);
        }

        void publishStatus() {
            try {
                connection.publish(Topics.status(unitId), codec.encode(UnitStatus.of(unitId, true, ota.running(), 0,
                        0, 0, Math.max(0, clock.millis()))), 1, true);
            } catch (MqttException | RuntimeException ignored) {
                // next connect
            }
        }

        /** Simulated power cycle: a new OtaUnit on the same slots (downloads in progress are lost). */
        public void restart() throws Exception {
            boot();
            publishStatus();
            ota.onConnected();
        }

        public OtaUnit ota() {
            return ota;
        }

        /** The unit's state log across restarts, oldest first. */
        public List<OtaUnit.LogEntry> log() {
            List<OtaUnit.LogEntry> all = new ArrayList<>(history);
            all.addAll(ota.log());
            return all;
        }

        public String running() {
            return ota.running();
        }

        /** True when the unit's last report was SELF_TEST_PASSED for the model it runs. */
        public boolean proven() {
            List<OtaUnit.LogEntry> l = ota.log();
            return !l.isEmpty() && l.get(l.size() - 1).event().startsWith("SELF_TEST_PASSED");
        }

        /** True once the cut-at-bytes fault fired. */
        public boolean wasCut() {
            return cut.get();
        }

        public MqttConnection connection() {
            return connection;
        }
    }

    private final BrokerSettings broker;
    private final FleetKey fleetKey;
    private final String factoryVersion;
    private final byte[] factoryModel;
    private final int unitsPerConnection;
    private final Clock clock = Clock.systemUTC();
    private final MessageCodec codec = new MessageCodec();
    private final ScheduledExecutorService timer = Executors.newScheduledThreadPool(2, r -> {
        Thread t = new Thread(r, "ota-fleet-timer");
        t.setDaemon(true);
        return t;
    });
    private final ExecutorService dispatch;
    private final Map<String, SimUnit> units = new ConcurrentHashMap<>();
    private final List<MqttConnection> connections = new ArrayList<>();
    private final AtomicLong messagesIn = new AtomicLong();
    private final AtomicLong messagesOut = new AtomicLong();

    /**
     * @param fleetKey           the fleet's public key the units are provisioned with
     * @param unitsPerConnection 1 = a connection (and last will) per unit
     */
    public OtaFleet(BrokerSettings broker, FleetKey fleetKey, String factoryVersion, byte[] factoryModel,
                    int unitsPerConnection) {
        this.broker = broker;
        this.fleetKey = fleetKey.publicOnly();
        this.factoryVersion = factoryVersion;
        this.factoryModel = factoryModel.clone();
        this.unitsPerConnection = Math.max(1, unitsPerConnection);
        this.dispatch = Executors.newFixedThreadPool(Math.max(2, Runtime.getRuntime().availableProcessors()), r -> {
            Thread t = new Thread(r, "ota-fleet");
            t.setDaemon(true);
            return t;
        });
    }

    public SimUnit add(String unitId, HmacKey key, Faults faults) {
        SimUnit u = new SimUnit(unitId, key, faults);
        units.put(unitId, u);
        return u;
    }

    /** Boots every unit, connects, subscribes and publishes each unit's online status. */
    public OtaFleet start() throws Exception {
        List<SimUnit> all = new ArrayList<>(units.values());
        all.sort(java.util.Comparator.comparing(SimUnit::unitId));
        for (SimUnit u : all) {
            u.boot();
        }
        for (int i = 0; i < all.size(); i += unitsPerConnection) {
            List<SimUnit> batch = all.subList(i, Math.min(all.size(), i + unitsPerConnection));
            MqttClients.Spec spec = MqttClients.Spec.clean(broker.url(), broker.username(), broker.password());
            String clientId = "ota-sim-" + batch.get(0).unitId();
            SimUnit only = batch.size() == 1 ? batch.get(0) : null;
            MqttConnection c = new MqttConnection(clientId, clientId, spec, () -> only == null
                    ? MqttClients.options(spec)
                    : MqttClients.options(spec, Topics.status(only.unitId()), codec.encode(UnitStatus.of(only.unitId(),
                    false, only.running(), 0, 0, 0, Math.max(0, clock.millis())))), Duration.ofMillis(100),
                    Duration.ofSeconds(2), dispatch, 64);
            for (SimUnit u : batch) {
                u.connection = c;
                c.subscribe(Topics.ota(u.unitId()), 1, (t, p) -> deliver(u, t, p));
                c.subscribe(Topics.otaChunk(u.unitId()), 1, (t, p) -> deliver(u, t, p));
            }
            c.onConnect(() -> batch.forEach(u -> {
                u.publishStatus();
                u.ota.onConnected();
            }));
            connections.add(c);
            c.start();
        }
        // a real unit repeats its status; a status lost to a full in-flight window must not hide a unit for good
        timer.scheduleWithFixedDelay(() -> all.forEach(SimUnit::publishStatus), 10, 10,
                java.util.concurrent.TimeUnit.SECONDS);
        return this;
    }

    private void deliver(SimUnit u, String topic, byte[] payload) {
        messagesIn.incrementAndGet();
        u.onMessage(topic, payload);
    }

    public SimUnit unit(String id) {
        return units.get(id);
    }

    public List<SimUnit> units() {
        return List.copyOf(units.values());
    }

    /** Messages the simulated units published (fetches, reports; not status). */
    public long messagesOut() {
        return messagesOut.get();
    }

    /** Messages delivered to the simulated units. */
    public long messagesIn() {
        return messagesIn.get();
    }

    /** A chunk whose data no longer matches its hash (one byte flipped in the base64). */
    static byte[] corrupt(byte[] payload) {
        try {
            OtaChunk c = new MessageCodec().decodeOtaChunk(payload);
            byte[] data = c.bytes();
            data[data.length / 2] ^= 0x5a;
            OtaChunk bad = new OtaChunk(c.v(), c.unitId(), c.actionId(), c.offset(), c.total(), c.sha256(),
                    java.util.Base64.getEncoder().encodeToString(data));
            return new MessageCodec().encode(bad);
        } catch (Exception e) {
            return payload;
        }
    }

    @Override
    public void close() {
        for (MqttConnection c : connections) {
            c.close();
        }
        timer.shutdownNow();
        dispatch.shutdownNow();
    }
}
