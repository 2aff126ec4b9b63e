package io.maskgate.service.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.maskgate.protocol.AckStatus;
import io.maskgate.protocol.CommandAck;
import io.maskgate.protocol.DoorAction;
import io.maskgate.protocol.DoorCommand;
import io.maskgate.protocol.HmacKey;
import io.maskgate.protocol.Label;
import io.maskgate.protocol.RejectReason;
import io.maskgate.protocol.Signer;
import io.maskgate.protocol.Topics;
import io.maskgate.service.metrics.MaskGateMetrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Acceptance 2 and 4 over the real broker and database: a signed MASK decision for an ENFORCE door yields a
 * signed, expiring UNLOCK on the door's command topic within 100 ms; NO_MASK yields no command; both are
 * queryable through the REST API; the same (unit, seq) delivered twice is stored once.
 */
class DecisionFlowIT extends AbstractServiceIT {

    @Autowired
    MaskGateMetrics metrics;

    @Autowired
    JdbcTemplate jdbc;

    @Test
    void maskUnlocksWithinLatencyBudgetAndNoMaskDoesNot() throws Exception {
        String door = id("door");
        String unit = id("unit");
        HmacKey doorKey = createDoor(door);
        HmacKey unitKey = registerUnit(unit, door);
        try (MqttTestClient actuator = new MqttTestClient(ItInfrastructure.mqttUrl(), id("act"));
             MqttTestClient publisher = new MqttTestClient(ItInfrastructure.mqttUrl(), id("pub"))) {
            actuator.subscribe(Topics.command(door));
            actuator.onMessage((topic, payload) -> ack(actuator, doorKey, payload));

            // warm-up (JIT, connections), then measured MASK decisions: publish -> command arrival
            long seq = 0;
            List<Long> latenciesMicros = new ArrayList<>();
            for (int i = 0; i < 25; i++) {
                boolean measured = i >= 15;
                long sent = System.nanoTime();
                publisher.publish(Topics.decision(unit), decision(unitKey, unit, door, ++seq, Label.MASK, 930));
                MqttTestClient.Received cmd = actuator.received().poll(5, TimeUnit.SECONDS);
                assertThat(cmd).as("UNLOCK for MASK decision seq " + seq).isNotNull();
                DoorCommand command = MqttTestClient.CODEC.decodeCommand(cmd.payload());
                assertThat(command.action()).isEqualTo(DoorAction.UNLOCK);
                assertThat(command.doorId()).isEqualTo(door);
                assertThat(Signer.verify(command, doorKey)).as("command signed with the door key").isTrue();
                assertThat(command.expiresAt()).isGreaterThan(command.issuedAt());
                assertThat(command.expiresAt()).isGreaterThan(System.currentTimeMillis());
                assertThat(command.durationMs()).isEqualTo(3_000);
                if (measured) {
                    latenciesMicros.add((cmd.arrivedNanos() - sent) / 1_000);
                }
            }
            latenciesMicros.sort(null);
            long median = latenciesMicros.get(latenciesMicros.size() / 2);
            System.out.printf("MASK -> UNLOCK latency over real broker (publish to arrival), us: %s; median %d%n",
                    latenciesMicros, median);
            assertThat(median).as("median decision->command latency (us)").isLessThan(100_000);
            assertThat(latenciesMicros.get(latenciesMicros.size() - 1)).as("worst latency (us)").isLessThan(500_000);

            // NO_MASK: no command; once its events are visible the command would already have been published
            long noMaskSeq = ++seq;
            publisher.publish(Topics.decision(unit), decision(unitKey, unit, door, noMaskSeq, Label.NO_MASK, 40));
            Await.until("NO_MASK verdict logged", Duration.ofSeconds(10), () ->
                    events("unit=" + unit + "&kind=VERDICT&outcome=DENIED").size() == 1);
            assertThat(actuator.received().poll(300, TimeUnit.MILLISECONDS)).as("no command for NO_MASK").isNull();

            // both decisions are queryable through the REST API
            JsonNode denied = events("unit=" + unit + "&kind=VERDICT&outcome=DENIED").get(0);
            assertThat(denied.get("reason").asText()).isEqualTo("NO_MASK");
            assertThat(denied.get("seq").asLong()).isEqualTo(noMaskSeq);
            List<JsonNode> decisions = events("unit=" + unit + "&kind=DECISION");
            assertThat(decisions).hasSize((int) seq);
            assertThat(decisions).allMatch(e -> e.get("outcome").asText().equals("ACCEPTED"));
            assertThat(decisions.get(0).get("label").asText()).isEqualTo("NO_MASK");
            assertThat(decisions.get(1).get("label").asText()).isEqualTo("MASK");
            Await.until("every UNLOCK acked and logged", Duration.ofSeconds(10), () ->
                    events("door=" + door + "&kind=ACK&outcome=DONE").size() == 25);
            assertThat(events("door=" + door + "&kind=COMMAND")).hasSize(25);
            assertThat(events("door=" + door + "&kind=VERDICT&outcome=GRANTED")).hasSize(25);
            assertThat(events("door=" + door + "&kind=ALERT")).isEmpty();
        }
    }

    @Test
    void sameUnitAndSequenceDeliveredTwiceIsStoredOnce() throws Exception {
        String door = id("door");
        String unit = id("unit");
        createDoor(door);
        HmacKey unitKey = registerUnit(unit, door);
        double replaysBefore = metrics.rejectedCount(RejectReason.REPLAY);
        try (MqttTestClient publisher = new MqttTestClient(ItInfrastructure.mqttUrl(), id("pub"))) {
            byte[] payload = decision(unitKey, unit, door, 7, Label.NO_MASK, 100);
            publisher.publishAndWait(Topics.decision(unit), payload);
            publisher.publishAndWait(Topics.decision(unit), payload); // a QoS 1 redelivery: identical bytes
            byte[] next = decision(unitKey, unit, door, 8, Label.NO_MASK, 100);
            publisher.publishAndWait(Topics.decision(unit), next);
        }
        Await.until("seq 8 logged", Duration.ofSeconds(10), () ->
                events("unit=" + unit + "&kind=DECISION").stream().anyMatch(e -> e.get("seq").asLong() == 8));
        List<JsonNode> decisions = events("unit=" + unit + "&kind=DECISION");
        assertThat(decisions).extracting(e -> e.get("seq").asLong()).containsExactly(8L, 7L);
        assertThat(metrics.rejectedCount(RejectReason.REPLAY) - replaysBefore).isEqualTo(1.0);
        Integer stored = jdbc.queryForObject(
                "SELECT count(*) FROM events WHERE kind = 'DECISION' AND unit_id = ? AND seq = 7", Integer.class, unit);
        assertThat(stored).isEqualTo(1);
        assertThat(jdbc.queryForObject("SELECT last_seq FROM units WHERE unit_id = ?", Long.class, unit))
                .isEqualTo(8L);
    }

    @Test
    void unackedCommandIsRetriedBoundedThenRaisesAnAlert() throws Exception {
        String door = id("door");
        String unit = id("unit");
        HmacKey doorKey = createDoor(door);
        HmacKey unitKey = registerUnit(unit, door);
        try (MqttTestClient deafActuator = new MqttTestClient(ItInfrastructure.mqttUrl(), id("act"));
             MqttTestClient publisher = new MqttTestClient(ItInfrastructure.mqttUrl(), id("pub"))) {
            deafActuator.subscribe(Topics.command(door));
            publisher.publish(Topics.decision(unit), decision(unitKey, unit, door, 1, Label.MASK, 950));
            List<DoorCommand> attempts = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                MqttTestClient.Received r = deafActuator.received().poll(10, TimeUnit.SECONDS);
                assertThat(r).as("attempt " + (i + 1)).isNotNull();
                attempts.add(MqttTestClient.CODEC.decodeCommand(r.payload()));
            }
            assertThat(attempts).extracting(DoorCommand::attempt).containsExactly(1, 2, 3);
            assertThat(attempts).extracting(DoorCommand::commandId).containsOnly(attempts.get(0).commandId());
            assertThat(attempts).allMatch(c -> Signer.verify(c, doorKey));
            assertThat(attempts).extracting(DoorCommand::expiresAt).containsOnly(attempts.get(0).expiresAt());
            Await.until("NO_ACK alert", Duration.ofSeconds(10),
                    () -> events("door=" + door + "&kind=ALERT&outcome=NO_ACK").size() == 1);
            assertThat(deafActuator.received().poll(1500, TimeUnit.MILLISECONDS)).as("no 4th attempt").isNull();
            assertThat(jdbc.queryForObject("SELECT status FROM door_commands WHERE command_id = ?", String.class,
                    attempts.get(0).commandId())).isEqualTo("NO_ACK");
        }
    }
}
