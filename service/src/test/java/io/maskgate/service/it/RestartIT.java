package io.maskgate.service.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.maskgate.protocol.HmacKey;
import io.maskgate.protocol.Label;
import io.maskgate.protocol.Topics;
import io.maskgate.service.door.DoorPolicy;
import io.maskgate.service.door.DoorService;
import io.maskgate.service.door.PolicyMode;
import io.maskgate.service.unit.UnitService;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Acceptance 5: the service is stopped while a unit keeps publishing QoS 1 decisions, then started again with the
 * same MQTT client id; every decision published meanwhile ends up in the event log (the broker kept them for the
 * persistent session). Runs its own two service contexts, in their own database schema and share group, so the
 * shared test context cannot pick the messages up instead.
 */
class RestartIT {

    @Test
    void decisionsPublishedWhileTheServiceIsDownAreLoggedAfterRestart() throws Exception {
        String run = ItInfrastructure.RUN;
        String clientId = "maskgate-restart-" + run;
        Map<String, Object> props = ServiceContexts.props("restart_" + run, clientId, "restart" + run);
        props.put("maskgate.mqtt.session-expiry", "600s");
        // the downtime may be long on a loaded machine: judge freshness generously so every decision is accepted
        props.put("maskgate.decisions.max-age", "30m");
        props.put("maskgate.data-dir", ItInfrastructure.tempDir().resolve("restart").toString());

        String door = "rdoor-" + run;
        String unit = "runit-" + run;
        AtomicLong published = new AtomicLong();
        AtomicBoolean publishing = new AtomicBoolean(true);
        AtomicReference<Throwable> publishError = new AtomicReference<>();
        long seqAtStop;
        long seqAtStart;
        HmacKey key;

        ConfigurableApplicationContext first = ServiceContexts.start(props);
        try {
            first.getBean(DoorService.class).create("restart-it", door, null,
                    new DoorPolicy(PolicyMode.MONITOR_ONLY, 700, 1, 1, 5_000, 3_000, null));
            key = HmacKey.parse(first.getBean(UnitService.class).register("restart-it", unit, null, door, true)
                    .secret());
        } catch (RuntimeException e) {
            first.close();
            throw e;
        }
        final HmacKey unitKey = key;
        try (MqttTestClient unitClient = new MqttTestClient(ItInfrastructure.mqttUrl(), "runit-pub-" + run)) {
            Thread publisher = new Thread(() -> {
                try {
                    while (publishing.get()) {
                        long seq = published.get() + 1;
                        unitClient.publishAndWait(Topics.decision(unit),
                                AbstractServiceIT.decision(unitKey, unit, door, seq, Label.MASK, 900));
                        published.set(seq);
                        Thread.sleep(5);
                    }
                } catch (Throwable t) {
                    publishError.set(t);
                }
            }, "restart-it-unit");
            publisher.start();
            Await.until("decisions flowing before the stop", Duration.ofSeconds(30), () -> published.get() >= 30);
            first.close();
            seqAtStop = published.get();
            Await.until("decisions published while down", Duration.ofSeconds(30),
                    () -> published.get() >= seqAtStop + 100);
            ConfigurableApplicationContext second = ServiceContexts.start(props);
            try {
                seqAtStart = published.get();
                Await.until("decisions flowing after the restart", Duration.ofSeconds(30),
                        () -> published.get() >= seqAtStart + 30);
                publishing.set(false);
                publisher.join(10_000);
                assertThat(publishError.get()).as("publisher error").isNull();
                long total = published.get();
                JdbcTemplate jdbc = second.getBean(JdbcTemplate.class);
                Await.until("all " + total + " decisions logged", Duration.ofSeconds(60), () -> jdbc.queryForObject(
                        "SELECT count(*) FROM events WHERE kind = 'DECISION' AND unit_id = ?", Long.class, unit)
                        >= total);
                List<Long> seqs = jdbc.queryForList("SELECT seq FROM events WHERE kind = 'DECISION' AND unit_id = ? "
                        + "AND outcome = 'ACCEPTED' ORDER BY seq", Long.class, unit);
                System.out.printf("restart: %d decisions published (%d before the stop, %d while down, %d after "
                        + "the restart); %d accepted decisions logged%n", total, seqAtStop, seqAtStart - seqAtStop,
                        total - seqAtStart, seqs.size());
                assertThat(seqAtStart - seqAtStop).as("decisions published while the service was down")
                        .isGreaterThanOrEqualTo(100);
                assertThat(seqs).as("every decision logged exactly once, accepted")
                        .containsExactlyElementsOf(LongStream.rangeClosed(1, total).boxed().toList());
            } finally {
                second.close();
            }
        } finally {
            publishing.set(false);
            ServiceContexts.endSession(clientId);
        }
    }
}
