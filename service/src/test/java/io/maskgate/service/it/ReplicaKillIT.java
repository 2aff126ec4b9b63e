package io.maskgate.service.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.maskgate.protocol.HmacKey;
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
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Issue 15, acceptance 3: two service processes (replicas) on one shared subscription and one database; one is
 * killed with SIGKILL under 1,000 decisions/s. The other keeps deciding; a decision the killed replica had
 * accepted, replayed right after the kill (so still fresh enough to unlock), does not unlock again; after the
 * killed replica is back (the broker holds its unacknowledged and queued share for its persistent session),
 * every PUBACKed decision is in the log exactly once.
 */
class ReplicaKillIT {

    private static final int UNITS = 10;

    @Test
    void killingOneReplicaUnderLoadLosesNothingDuplicatesNothingAndAReplayDoesNotUnlock() throws Exception {
        String run = ItInfrastructure.RUN + Long.toHexString(System.nanoTime() & 0xfffff);
        String schema = "replica_" + run;
        String group = "rk" + run;
        try (ServiceProcess a = new ServiceProcess(ItInfrastructure.tempDir().resolve("ra-" + run),
                args(schema, "ra-" + run, group));
             ServiceProcess b = new ServiceProcess(ItInfrastructure.tempDir().resolve("rb-" + run),
                     args(schema, "rb-" + run, group))) {
            a.start(Duration.ofMinutes(3));
            String door = "rdoor-" + run;
            HmacKey doorKey = HmacKey.parse(a.post("/api/doors", Map.of("id", door, "name", door))
                    .get("actuatorKey").asText());
            List<String> units = new ArrayList<>();
            Map<String, HmacKey> keys = new HashMap<>();
            for (int i = 0; i < UNITS; i++) {
                String unit = "runit-" + run + "-" + i;
                JsonNode created = a.post("/api/units", Map.of("id", unit, "doorId", door));
                units.add(unit);
                keys.put(unit, HmacKey.parse(created.get("secret").asText()));
            }
            b.start(Duration.ofMinutes(3)); // loads the units and keys at start
            Set<KillIT.Key> acknowledged = ConcurrentHashMap.newKeySet();
            AtomicLong published = new AtomicLong();
            KillIT.Key replayed;
            try (MqttTestClient actuator = new MqttTestClient(ItInfrastructure.mqttUrl(), "ract-" + run);
                 MqttTestClient attacker = new MqttTestClient(ItInfrastructure.mqttUrl(), "ratk-" + run);
                 KillIT.Publisher publisher = new KillIT.Publisher("rpub-" + run, units, keys, door, acknowledged,
                         published)) {
                actuator.subscribe(Topics.command(door));
                actuator.onMessage((t, p) -> KillIT.ack(actuator, doorKey, p));
                publisher.runFor(Duration.ofSeconds(3));
                replayed = publisher.last();
                publisher.runFor(Duration.ofMillis(300));
                a.kill();
                // a captured decision, replayed at once (still young enough to unlock) while one replica is gone
                for (int i = 0; i < 6; i++) {
                    attacker.publishAndWait(Topics.decision(replayed.unit()), publisher.payloadOf(replayed));
                }
                publisher.runFor(Duration.ofSeconds(4));
                // the survivor takes over the killed replica's in-flight decisions: its ingest may report
                // BACKPRESSURE (oldest unwritten event > 2 s) for a moment, then must be healthy again
                Await.until("the surviving replica healthy", Duration.ofSeconds(15), b::healthy);
                a.start(Duration.ofMinutes(3));
                publisher.runFor(Duration.ofSeconds(2));
                publisher.drain(Duration.ofSeconds(30));
            }
            System.out.printf("published %d decisions, %d PUBACKed%n", published.get(), acknowledged.size());

            Map<KillIT.Key, Integer> rows = Map.of();
            List<KillIT.Key> missing = List.of();
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            while (System.nanoTime() < deadline) {
                rows = count(schema, "kind = 'DECISION'", units);
                Map<KillIT.Key, Integer> r = rows;
                missing = acknowledged.stream().filter(k -> !r.containsKey(k)).toList();
                if (missing.isEmpty()) {
                    break;
                }
                Thread.sleep(500);
            }
            assertThat(missing).as("PUBACKed decisions missing from the log\n" + a.logs() + b.logs()).isEmpty();
            assertThat(rows.entrySet().stream().filter(e -> e.getValue() > 1).toList())
                    .as("decisions logged more than once").isEmpty();
            Map<KillIT.Key, Integer> commands = countCommands(schema, units);
            assertThat(commands.entrySet().stream().filter(e -> e.getValue() > 1).toList())
                    .as("a decision that opened the door more than once").isEmpty();
            assertThat(commands.getOrDefault(replayed, 0)).as("commands for the replayed decision")
                    .isLessThanOrEqualTo(1);
        }
    }

    private static List<String> args(String schema, String clientId, String group) {
        List<String> args = new ArrayList<>();
        ServiceContexts.props(schema, clientId, group).forEach((k, v) -> {
            if (!k.equals("maskgate.data-dir") && !k.equals("maskgate.mqtt.url")) { // ServiceProcess sets them
                args.add("--" + k + "=" + v);
            }
        });
        args.add("--maskgate.mqtt.session-expiry=300s");
        args.add("--maskgate.commands.settle-after=3s");
        return args;
    }

    private static Map<KillIT.Key, Integer> count(String schema, String where, List<String> units) throws Exception {
        return query(schema, "SELECT unit_id, seq, count(*) FROM events WHERE " + where
                + " AND unit_id = ANY (?) GROUP BY unit_id, seq", units);
    }

    private static Map<KillIT.Key, Integer> countCommands(String schema, List<String> units) throws Exception {
        return query(schema, "SELECT unit_id, seq, count(*) FROM door_commands WHERE origin = 'DECISION' "
                + "AND unit_id = ANY (?) GROUP BY unit_id, seq", units);
    }

    private static Map<KillIT.Key, Integer> query(String schema, String sql, List<String> units) throws Exception {
        Map<KillIT.Key, Integer> rows = new HashMap<>();
        try (Connection c = DriverManager.getConnection(ItInfrastructure.dbUrlWithSchema(schema),
                ItInfrastructure.dbUser(), ItInfrastructure.dbPassword());
             PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setArray(1, c.createArrayOf("text", units.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.put(new KillIT.Key(rs.getString(1), rs.getLong(2)), rs.getInt(3));
                }
            }
        }
        return rows;
    }
}
