package io.maskgate.service.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.maskgate.protocol.DoorCommand;
import io.maskgate.protocol.HmacKey;
import io.maskgate.protocol.Label;
import io.maskgate.protocol.Topics;
import io.maskgate.service.door.DoorService;
import io.maskgate.service.unit.UnitService;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Two replicas share the decision subscription (one share group, one database, one master key). A MASK decision
 * unlocks once; the same signed payload replayed ten times is spread over both replicas by the broker. With the
 * replica sequence sync every replay is refused, also by the replica that never saw the original. The control
 * run with the sync off shows the gap the sync closes (a second unlock), so the first assertion can fail.
 */
class ReplicaReplayIT {

    @Test
    void aDecisionReplayedToTheOtherReplicaDoesNotUnlockAgain() throws Exception {
        Outcome synced = run("on", true);
        System.out.printf("replica sync on: %d distinct UNLOCK command(s), %d replays refused as REPLAY "
                + "(per replica %s)%n", synced.commandIds.size(), synced.replayRejects(), synced.replaysPerReplica);
        assertThat(synced.commandIds).as("one unlock for one decision, however often it is replayed").hasSize(1);
        assertThat(synced.replayRejects()).as("every replay refused").isEqualTo(10);
        assertThat(synced.replaysPerReplica).as("the broker spread the replays over both replicas")
                .allMatch(n -> n > 0);
    }

    @Test
    void withoutTheSyncTheOtherReplicaAcceptsTheReplay() throws Exception {
        Outcome unsynced = run("off", false);
        System.out.printf("replica sync off: %d distinct UNLOCK command(s), %d replays refused as REPLAY "
                + "(per replica %s)%n", unsynced.commandIds.size(), unsynced.replayRejects(),
                unsynced.replaysPerReplica);
        assertThat(unsynced.commandIds).as("the gap: the replica that never saw seq 1 unlocks again").hasSizeGreaterThan(1);
    }

    record Outcome(Set<String> commandIds, List<Long> replaysPerReplica) {
        long replayRejects() {
            return replaysPerReplica.stream().mapToLong(Long::longValue).sum();
        }
    }

    private static Outcome run(String name, boolean sync) throws Exception {
        String run = ItInfrastructure.RUN + name;
        String schema = "replica_" + run;
        String door = "repdoor-" + run;
        String unit = "repunit-" + run;
        List<String> clientIds = List.of("maskgate-replica-a-" + run, "maskgate-replica-b-" + run);
        List<ConfigurableApplicationContext> replicas = new ArrayList<>();
        try (MqttTestClient actuatorSide = new MqttTestClient(ItInfrastructure.mqttUrl(), "repcmd-" + run);
             MqttTestClient unitClient = new MqttTestClient(ItInfrastructure.mqttUrl(), "reppub-" + run)) {
            actuatorSide.subscribe(Topics.command(door));
            replicas.add(ServiceContexts.start(props(schema, run, clientIds.get(0), sync)));
            HmacKey key;
            {
                ConfigurableApplicationContext a = replicas.get(0);
                a.getBean(DoorService.class).create("replica-it", door, null, null); // default ENFORCE policy
                key = HmacKey.parse(a.getBean(UnitService.class).register("replica-it", unit, null, door, true)
                        .secret());
            }
            // B starts after the door and unit exist, so its caches know them
            replicas.add(ServiceContexts.start(props(schema, run, clientIds.get(1), sync)));

            byte[] original = AbstractServiceIT.decision(key, unit, door, 1, Label.MASK, 950);
            unitClient.publishAndWait(Topics.decision(unit), original);
            MqttTestClient.Received first = actuatorSide.received().poll(10, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(first).as("the original decision unlocks").isNotNull();
            Set<String> commandIds = new TreeSet<>();
            commandIds.add(MqttTestClient.CODEC.decodeCommand(first.payload()).commandId());
            Thread.sleep(200); // the sync interval is 2 ms; give the other replica time to learn the pair

            for (int i = 0; i < 10; i++) {
                unitClient.publishAndWait(Topics.decision(unit), original);
                Thread.sleep(30);
            }
            Await.until("all 10 replays handled", Duration.ofSeconds(20), () -> totalHandled(replicas) >= 11);
            Thread.sleep(1_000); // any unlock caused by a replay arrives by now
            for (MqttTestClient.Received r; (r = actuatorSide.received().poll()) != null; ) {
                DoorCommand c = MqttTestClient.CODEC.decodeCommand(r.payload());
                commandIds.add(c.commandId()); // re-sends (no actuator acks here) keep their id
            }
            List<Long> replays = replicas.stream().map(c -> (long) counter(c, "rejected", "REPLAY")).toList();

            // no false refusal: the unit's next decision, wherever it lands, still unlocks
            unitClient.publishAndWait(Topics.decision(unit), AbstractServiceIT.decision(key, unit, door, 2,
                    Label.MASK, 950));
            MqttTestClient.Received next = actuatorSide.received().poll(10, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(next).as("seq 2 unlocks").isNotNull();
            assertThat(commandIds).doesNotContain(MqttTestClient.CODEC.decodeCommand(next.payload()).commandId());
            return new Outcome(commandIds, replays);
        } finally {
            for (ConfigurableApplicationContext c : replicas) {
                c.close();
            }
            for (String id : clientIds) {
                ServiceContexts.endSession(id);
            }
        }
    }

    private static long totalHandled(List<ConfigurableApplicationContext> replicas) {
        long n = 0;
        for (ConfigurableApplicationContext c : replicas) {
            n += (long) counter(c, "accepted", "none");
            n += (long) counter(c, "rejected", "REPLAY");
        }
        return n;
    }

    private static double counter(ConfigurableApplicationContext c, String outcome, String reason) {
        var counter = c.getBean(MeterRegistry.class).find("maskgate.decisions").tag("outcome", outcome)
                .tag("reason", reason).counter();
        return counter == null ? 0 : counter.count();
    }

    private static Map<String, Object> props(String schema, String run, String clientId, boolean sync) {
        Map<String, Object> props = ServiceContexts.props(schema, clientId, "replica" + run);
        props.put("maskgate.mqtt.session-expiry", "60s");
        props.put("maskgate.decisions.replica-sync", String.valueOf(sync));
        return props;
    }
}
