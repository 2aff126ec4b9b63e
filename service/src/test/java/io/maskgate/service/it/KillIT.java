package io.maskgate.service.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.maskgate.protocol.Decision;
import io.maskgate.protocol.HmacKey;
import io.maskgate.protocol.Label;
import io.maskgate.protocol.Signer;
import io.maskgate.protocol.Topics;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttActionListener;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.junit.jupiter.api.Test;

/**
 * Issue 15, acceptance 1: the service as its own OS process under 1,000 decisions/s gets SIGKILL at three random
 * moments and is started again each time (zero-setup: its embedded PostgreSQL is left running as an orphan by
 * every kill and must be found and restarted on the same data). Every decision for which the publisher got a
 * PUBACK must be in the event log exactly once, and no command may stay SENT.
 *
 * <p>Publishing pauses while the process is down: a broker with default limits (Mosquitto's max_queued_messages
 * 1000, as the CI broker runs) silently drops a longer offline backlog, which is the broker's limit, not the
 * service's. The decisions in flight to the killed process at the moment of the kill are the ones at risk.
 */
class KillIT {

    private static final int UNITS = 10;
    private static final int RATE = 1_000;

    record Key(String unit, long seq) {
    }

    @Test
    void everyAcknowledgedDecisionIsLoggedExactlyOnceAcrossThreeKills() throws Exception {
        String run = ItInfrastructure.RUN + "-" + Long.toHexString(System.nanoTime() & 0xfffff);
        Random random = new Random();
        try (ServiceProcess service = new ServiceProcess(ItInfrastructure.tempDir().resolve("kill-" + run), List.of(
                "--maskgate.mqtt.client-id=kill-" + run, "--maskgate.mqtt.share-group=kill" + run.replace("-", ""),
                "--maskgate.mqtt.session-expiry=300s", "--maskgate.commands.settle-after=3s"))) {
            service.start(Duration.ofMinutes(3));
            String door = "kdoor-" + run;
            HmacKey doorKey = HmacKey.parse(service.post("/api/doors", Map.of("id", door, "name", door))
                    .get("actuatorKey").asText());
            List<String> units = new ArrayList<>();
            Map<String, HmacKey> keys = new HashMap<>();
            for (int i = 0; i < UNITS; i++) {
                String unit = "kunit-" + run + "-" + i;
                JsonNode created = service.post("/api/units", Map.of("id", unit, "doorId", door));
                units.add(unit);
                keys.put(unit, HmacKey.parse(created.get("secret").asText()));
            }
            Set<Key> acknowledged = ConcurrentHashMap.newKeySet();
            AtomicLong published = new AtomicLong();
            double rate;
            try (MqttTestClient actuator = new MqttTestClient(ItInfrastructure.mqttUrl(), "kact-" + run);
                 Publisher publisher = new Publisher("kpub-" + run, units, keys, door, acknowledged, published)) {
                actuator.subscribe(Topics.command(door));
                actuator.onMessage((t, p) -> ack(actuator, doorKey, p));
                for (int kill = 1; kill <= 3; kill++) {
                    publisher.runFor(Duration.ofMillis(1_500 + random.nextInt(3_000)));
                    // SIGKILL while the last second's decisions are still in flight (the publisher keeps going
                    // until the kill returns)
                    Thread killer = new Thread(() -> {
                        try {
                            service.kill();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    });
                    killer.start();
                    publisher.runWhile(killer::isAlive);
                    System.out.printf("kill %d: %d published, %d acknowledged by the broker so far (%.0f/s)%n", kill,
                            published.get(), acknowledged.size(), publisher.rate());
                    service.start(Duration.ofMinutes(3));
                }
                publisher.runFor(Duration.ofSeconds(2));
                publisher.drain(Duration.ofSeconds(30));
                rate = publisher.rate();
            }
            System.out.printf("published %d decisions (%.0f/s while publishing), %d PUBACKed%n", published.get(),
                    rate, acknowledged.size());
            assertThat(acknowledged.size()).isGreaterThan(3 * RATE);

            Map<Key, Integer> logged = new HashMap<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            List<Key> missing;
            do {
                logged = decisionRows(service, units);
                Map<Key, Integer> rows = logged;
                missing = acknowledged.stream().filter(k -> !rows.containsKey(k)).toList();
                if (missing.isEmpty()) {
                    break;
                }
                Thread.sleep(500);
            } while (System.nanoTime() < deadline);
            Map<Key, Integer> rows = logged;
            List<Key> duplicated = rows.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey)
                    .toList();
            assertThat(missing).as("%d of %d PUBACKed decisions missing from the log, e.g. %s%n%s", missing.size(),
                    acknowledged.size(), missing.stream().limit(20).toList(), service.logs()).isEmpty();
            assertThat(duplicated).as("decisions logged more than once").isEmpty();

            Await.until("no command left SENT", Duration.ofSeconds(60), () -> openCommands(service) == 0);
            String logs = service.logs();
            assertThat(logs).contains("did not stop cleanly");
        }
    }

    private static Map<Key, Integer> decisionRows(ServiceProcess service, List<String> units) throws Exception {
        Map<Key, Integer> rows = new HashMap<>();
        try (Connection c = DriverManager.getConnection(service.jdbcUrl(), "postgres", "");
             PreparedStatement ps = c.prepareStatement("SELECT unit_id, seq, count(*) FROM events "
                     + "WHERE kind = 'DECISION' AND unit_id = ANY (?) GROUP BY unit_id, seq")) {
            ps.setArray(1, c.createArrayOf("text", units.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.put(new Key(rs.getString(1), rs.getLong(2)), rs.getInt(3));
                }
            }
        }
        return rows;
    }

    /** Commands still SENT/RESENT well after their expiry. */
    private static long openCommands(ServiceProcess service) {
        try (Connection c = DriverManager.getConnection(service.jdbcUrl(), "postgres", "");
             ResultSet rs = c.createStatement().executeQuery("SELECT count(*) FROM door_commands WHERE status IN "
                     + "('SENT', 'RESENT') AND expires_at < now() - interval '5 seconds'")) {
            rs.next();
            return rs.getLong(1);
        } catch (Exception e) {
            return -1;
        }
    }

    static void ack(MqttTestClient actuator, HmacKey doorKey, byte[] payload) {
        try {
            var c = MqttTestClient.CODEC.decodeCommand(payload);
            var ack = Signer.sign(io.maskgate.protocol.CommandAck.unsigned(c.commandId(), c.doorId(),
                    io.maskgate.protocol.AckStatus.DONE, null, System.currentTimeMillis()), doorKey);
            actuator.publish(Topics.ack(c.doorId()), MqttTestClient.CODEC.encode(ack));
        } catch (Exception e) {
            // the actuator's ack is not what this test measures
        }
    }

    /** Paced signed decisions from several units over one connection; remembers which the broker PUBACKed. */
    static final class Publisher implements AutoCloseable {
        private final List<MqttAsyncClient> clients = new ArrayList<>();
        private final List<String> units;
        private final Map<String, HmacKey> keys;
        private final String door;
        private final Set<Key> acknowledged;
        private final AtomicLong published;
        private final Map<String, Long> seqs = new HashMap<>();
        private final Map<Key, byte[]> payloads = new ConcurrentHashMap<>();
        private final AtomicLong inFlight = new AtomicLong();
        private int next;

        private final int rate;

        Publisher(String clientId, List<String> units, Map<String, HmacKey> keys, String door, Set<Key> acknowledged,
                  AtomicLong published) throws MqttException {
            this(clientId, units, keys, door, acknowledged, published, RATE);
        }

        Publisher(String clientId, List<String> units, Map<String, HmacKey> keys, String door, Set<Key> acknowledged,
                  AtomicLong published, int rate) throws MqttException {
            this.rate = rate;
            // one connection per unit, as real units have: each gets its own in-flight window at the broker
            for (int i = 0; i < units.size(); i++) {
                MqttAsyncClient c = new MqttAsyncClient(ItInfrastructure.mqttUrl(), clientId + "-" + i,
                        new MemoryPersistence());
                MqttConnectionOptions o = new MqttConnectionOptions();
                o.setCleanStart(true);
                c.connect(o).waitForCompletion(10_000);
                clients.add(c);
            }
            this.units = units;
            this.keys = keys;
            this.door = door;
            this.acknowledged = acknowledged;
            this.published = published;
        }

        private long publishingNanos;

        /** Decisions per second while publishing (pauses excluded). */
        double rate() {
            return published.get() * 1e9 / Math.max(1, publishingNanos);
        }

        void runFor(Duration d) throws MqttException {
            long end = System.nanoTime() + d.toNanos();
            runWhile(() -> System.nanoTime() < end);
        }

        /** Publishes at the rate (decisions/s, in steps every 10 ms) while {@code condition} holds. */
        void runWhile(java.util.function.BooleanSupplier condition) throws MqttException {
            long due = System.nanoTime();
            long started = due;
            while (condition.getAsBoolean()) {
                for (int i = 0; i < rate / 100; i++) {
                    publishOne();
                }
                due += 10_000_000L;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
            }
            publishingNanos += System.nanoTime() - started;
        }

        private void publishOne() throws MqttException {
            int index = next++ % units.size();
            String unit = units.get(index);
            MqttAsyncClient client = clients.get(index);
            long seq = seqs.merge(unit, 1L, Long::sum);
            Decision d = Signer.sign(Decision.unsigned(unit, door, seq, System.currentTimeMillis(), Label.MASK, 950,
                    "kill-it"), keys.get(unit));
            byte[] payload = MqttTestClient.CODEC.encode(d);
            MqttMessage m = new MqttMessage(payload, 1, false, null);
            Key key = new Key(unit, seq);
            payloads.put(key, payload);
            while (true) {
                try {
                    inFlight.incrementAndGet();
                    client.publish(Topics.decision(unit), m, null, new MqttActionListener() {
                        @Override
                        public void onSuccess(IMqttToken token) {
                            acknowledged.add(key);
                            inFlight.decrementAndGet();
                        }

                        @Override
                        public void onFailure(IMqttToken token, Throwable e) {
                            inFlight.decrementAndGet();
                        }
                    });
                    published.incrementAndGet();
                    return;
                } catch (MqttException e) {
                    inFlight.decrementAndGet();
                    if (e.getReasonCode() != 32202) {
                        throw e;
                    }
                    LockSupport.parkNanos(200_000); // the broker's receive maximum: wait for PUBACKs
                }
            }
        }

        /** The exact bytes published for {@code key} (to replay them). */
        byte[] payloadOf(Key key) {
            return payloads.get(key);
        }

        /** The key published most recently. */
        Key last() {
            String unit = units.get((next - 1) % units.size());
            return new Key(unit, seqs.get(unit));
        }

        void drain(Duration timeout) throws InterruptedException {
            long end = System.nanoTime() + timeout.toNanos();
            while (inFlight.get() > 0 && System.nanoTime() < end) {
                Thread.sleep(20);
            }
        }

        @Override
        public void close() throws MqttException {
            for (MqttAsyncClient client : clients) {
                client.disconnect().waitForCompletion(5_000);
                client.close();
            }
        }
    }
}
