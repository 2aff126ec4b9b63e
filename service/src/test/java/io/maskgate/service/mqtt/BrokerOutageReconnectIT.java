package io.maskgate.service.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import io.maskgate.protocol.Decision;
import io.maskgate.protocol.HmacKey;
import io.maskgate.protocol.Label;
import io.maskgate.protocol.Signer;
import io.maskgate.protocol.Topics;
import io.maskgate.protocol.testing.TcpRelay;
import io.maskgate.service.MaskGateApplication;
import io.maskgate.service.door.DoorPolicy;
import io.maskgate.service.door.DoorService;
import io.maskgate.service.door.PolicyMode;
import io.maskgate.service.it.Await;
import io.maskgate.service.it.ItInfrastructure;
import io.maskgate.service.it.MqttTestClient;
import io.maskgate.service.unit.UnitService;
import java.time.Duration;
import java.util.List;
import java.util.stream.LongStream;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The service reaches the broker through a loopback relay; the relay is cut (broker outage: connections dropped,
 * connects refused) long enough for the backoff to reach its maximum, then restored. The service must be connected
 * and subscribed again within the configured maximum backoff (plus one connect), and decisions a unit publishes
 * after the broker is back must be processed. Before the fix Paho's shared static backoff made this take 32-64 s.
 */
class BrokerOutageReconnectIT {

    private static final Duration RECONNECT_MIN = Duration.ofMillis(250);
    private static final Duration RECONNECT_MAX = Duration.ofSeconds(2);
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);

    @Test
    void reconnectsWithinTheMaximumBackoffAndProcessesDecisionsAfterTheOutage() throws Exception {
        String run = ItInfrastructure.RUN;
        String brokerUrl = ItInfrastructure.mqttUrl();
        String clientId = "maskgate-outage-" + run;
        String schema = "outage_" + run;
        String door = "odoor-" + run;
        String unit = "ounit-" + run;
        try (TcpRelay relay = new TcpRelay(brokerUrl)) {
            String[] args = {
                    "--spring.datasource.url=" + ItInfrastructure.dbUrlWithSchema(schema),
                    "--spring.datasource.username=" + ItInfrastructure.dbUser(),
                    "--spring.datasource.password=" + ItInfrastructure.dbPassword(),
                    "--spring.flyway.schemas=" + schema,
                    "--maskgate.mqtt.url=" + relay.url(),
                    "--maskgate.mqtt.client-id=" + clientId,
                    "--maskgate.mqtt.share-group=outage" + run,
                    "--maskgate.mqtt.session-expiry=120s",
                    "--maskgate.mqtt.connect-timeout=" + CONNECT_TIMEOUT.toMillis() + "ms",
                    "--maskgate.mqtt.reconnect-min=" + RECONNECT_MIN.toMillis() + "ms",
                    "--maskgate.mqtt.reconnect-max=" + RECONNECT_MAX.toMillis() + "ms",
                    "--maskgate.security.master-key=" + ItInfrastructure.MASTER_KEY,
                    "--maskgate.doors.default-min-score=" + ItInfrastructure.SYNTHETIC_MIN_SCORE,
                    "--maskgate.data-dir=" + ItInfrastructure.tempDir().resolve("outage")};
            try (ConfigurableApplicationContext context = new SpringApplicationBuilder(MaskGateApplication.class)
                    .web(WebApplicationType.NONE).run(args);
                 MqttTestClient unitClient = new MqttTestClient(brokerUrl, "ounit-pub-" + run)) {
                MqttGateway gateway = context.getBean(MqttGateway.class);
                assertThat(gateway.awaitSubscribed(30_000)).as("subscribed before the outage").isTrue();
                context.getBean(DoorService.class).create("outage-it", door, null,
                        new DoorPolicy(PolicyMode.MONITOR_ONLY, 700, 1, 1, 5_000, 3_000, null));
                HmacKey key = HmacKey.parse(context.getBean(UnitService.class)
                        .register("outage-it", unit, null, door, true).secret());
                JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);

                unitClient.publishAndWait(Topics.decision(unit), decision(key, unit, door, 1));
                Await.until("decision before the outage logged", Duration.ofSeconds(15),
                        () -> accepted(jdbc, unit).size() == 1);

                relay.cut();
                Await.until("the service notices the outage", Duration.ofSeconds(10), () -> !gateway.isConnected());
                // long enough for the backoff to double up to its maximum (0.25, 0.5, 1, 2, 2 s)
                Thread.sleep(RECONNECT_MAX.toMillis() * 3);
                assertThat(gateway.isConnected()).as("still disconnected while the broker is unreachable").isFalse();

                relay.restore();
                long restored = System.nanoTime();
                Duration bound = RECONNECT_MAX.plus(CONNECT_TIMEOUT).plusSeconds(1);
                Await.until("reconnected and subscribed within " + bound, bound, gateway::isConnected);
                long reconnectMs = (System.nanoTime() - restored) / 1_000_000;
                System.out.printf("broker outage: service reconnected %d ms after the broker came back "
                        + "(backoff %s..%s)%n", reconnectMs, RECONNECT_MIN, RECONNECT_MAX);

                for (long seq = 2; seq <= 11; seq++) {
                    unitClient.publishAndWait(Topics.decision(unit), decision(key, unit, door, seq));
                }
                Await.until("decisions after the outage logged", Duration.ofSeconds(15),
                        () -> accepted(jdbc, unit).size() == 11);
                assertThat(accepted(jdbc, unit)).as("every decision processed once, in order")
                        .containsExactlyElementsOf(LongStream.rangeClosed(1, 11).boxed().toList());
            }
        } finally {
            endSession(brokerUrl, clientId);
        }
    }

    private static byte[] decision(HmacKey key, String unit, String door, long seq) {
        Decision d = Signer.sign(Decision.unsigned(unit, door, seq, System.currentTimeMillis(), Label.MASK, 900,
                "it-model"), key);
        return MqttTestClient.CODEC.encode(d);
    }

    private static List<Long> accepted(JdbcTemplate jdbc, String unit) {
        return jdbc.queryForList("SELECT seq FROM events WHERE kind = 'DECISION' AND unit_id = ? "
                + "AND outcome = 'ACCEPTED' ORDER BY seq", Long.class, unit);
    }

    /** Removes the test's persistent session from the broker (clean start, expiry 0). */
    private static void endSession(String brokerUrl, String clientId) throws Exception {
        MqttAsyncClient c = new MqttAsyncClient(brokerUrl, clientId, new MemoryPersistence());
        MqttConnectionOptions o = new MqttConnectionOptions();
        o.setCleanStart(true);
        o.setSessionExpiryInterval(0L);
        c.connect(o).waitForCompletion(10_000);
        c.disconnect().waitForCompletion(5_000);
        c.close(true);
    }
}
