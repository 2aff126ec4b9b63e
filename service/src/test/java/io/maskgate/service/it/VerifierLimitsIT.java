package io.maskgate.service.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.maskgate.protocol.HmacKey;
import io.maskgate.protocol.Label;
import io.maskgate.protocol.Topics;
import io.maskgate.service.mqtt.MqttGateway;
import io.maskgate.service.verify.VerifyMetrics;
import io.maskgate.service.verify.VerifyProperties;
import io.maskgate.verifier.model.FloatModelCache;
import io.maskgate.verifier.model.FloatNetwork;
import io.maskgate.verifier.model.ModelCatalog;
import io.maskgate.verifier.model.ServingModel;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Acceptance 2, 3 and 5 on a service of their own (own schema and share group) whose float model is slowed on
 * purpose (600 ms a batch), with a queue of 4, batches of 2 and a crop retention of 6 s:
 * late verdicts are recorded only and the door stays locked; 10x more frames than the verifier can take end as
 * UNVERIFIED decisions with a bounded queue, a healthy service and every frame accounted for; crops vanish from
 * storage and API after their retention while events remain, and the purge is logged.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureObservability
@Import(VerifierLimitsIT.SlowFloat.class)
@ExtendWith(OutputCaptureExtension.class)
class VerifierLimitsIT {

    static final String SCHEMA = "verify_" + ItInfrastructure.RUN;
    static final String ADMIN = "lim-admin-" + ItInfrastructure.RUN;
    static final String PASSWORD = "lim-admin-password-" + ItInfrastructure.RUN;
    static final long SLOW_MS = 600;

    /** The shipped float model, 600 ms slower per batch. */
    @TestConfiguration
    static class SlowFloat {
        static final AtomicInteger BATCHES = new AtomicInteger();

        @Bean
        @Primary
        FloatModelCache slowFloatModels(VerifyProperties p) {
            return new FloatModelCache(new ModelCatalog(p.modelsDir()), 1, dir -> {
                ServingModel real = ServingModel.load(dir);
                return new FloatNetwork() {
                    @Override
                    public float[] predict(float[] pixels, int n) {
                        BATCHES.incrementAndGet();
                        try {
                            Thread.sleep(SLOW_MS);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        return real.predict(pixels, n);
                    }

                    @Override
                    public void close() {
                        real.close();
                    }
                };
            });
        }
    }

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry r) {
        r.add("spring.datasource.url", () -> ItInfrastructure.dbUrlWithSchema(SCHEMA));
        r.add("spring.datasource.username", ItInfrastructure::dbUser);
        r.add("spring.datasource.password", ItInfrastructure::dbPassword);
        r.add("spring.flyway.schemas", () -> SCHEMA);
        r.add("maskgate.mqtt.url", ItInfrastructure::mqttUrl);
        r.add("maskgate.mqtt.client-id", () -> "maskgate-lim-" + ItInfrastructure.RUN);
        r.add("maskgate.mqtt.share-group", () -> "lim" + ItInfrastructure.RUN);
        r.add("maskgate.mqtt.session-expiry", () -> "120s");
        r.add("maskgate.security.master-key", () -> ItInfrastructure.MASTER_KEY);
        r.add("maskgate.security.admin-user", () -> ADMIN);
        r.add("maskgate.security.admin-password", () -> PASSWORD);
        r.add("maskgate.data-dir", () -> ItInfrastructure.tempDir().resolve("lim").toString());
        r.add("maskgate.verify.models-dir", () -> Frames.modelsDir().toString());
        r.add("maskgate.verify.queue-capacity", () -> "4");
        r.add("maskgate.verify.max-batch", () -> "2");
        r.add("maskgate.verify.workers", () -> "1");
        r.add("maskgate.verify.frame-retention", () -> "6s");
        r.add("maskgate.verify.purge-interval", () -> "500ms");
    }

    @Autowired
    TestRestTemplate anonymous;

    @Autowired
    MqttGateway gateway;

    @Autowired
    VerifyMetrics metrics;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    io.maskgate.verifier.VerificationQueue queue;

    TestRestTemplate rest;

    @BeforeEach
    void ready() throws InterruptedException {
        rest = AbstractServiceIT.apiClient(anonymous.withBasicAuth(ADMIN, PASSWORD));
        assertThat(gateway.awaitSubscribed(30_000)).isTrue();
    }

    private static String id(String prefix) {
        return prefix + "-" + ItInfrastructure.RUN + "-" + Long.toHexString(System.nanoTime() & 0xffffff);
    }

    /** A door in ENFORCE_VERIFIED mode with every score uncertain and the default 300 ms deadline. */
    private HmacKey[] verifiedDoor(String door, String unit) {
        ResponseEntity<JsonNode> d = rest.postForEntity("/api/doors", Map.of("id", door, "name", door), JsonNode.class);
        assertThat(d.getStatusCode()).isEqualTo(HttpStatus.CREATED);
        ResponseEntity<JsonNode> u = rest.postForEntity("/api/units", Map.of("id", unit, "doorId", door),
                JsonNode.class);
        assertThat(u.getStatusCode()).isEqualTo(HttpStatus.CREATED);
        VerifyItSupport.mode(rest, door, "ENFORCE_VERIFIED");
        VerifyItSupport.band(rest, door, 0, 1000, null);
        return new HmacKey[] {HmacKey.parse(d.getBody().get("actuatorKey").asText()),
                HmacKey.parse(u.getBody().get("secret").asText())};
    }

    private int count(String sql, Object... args) {
        return jdbc.queryForObject(sql, Integer.class, args);
    }

    @Test
    void lateVerdictsAreRecordedOnlyAndTheDoorStaysLocked() throws Exception {
        String door = id("door");
        String unit = id("unit");
        HmacKey key = verifiedDoor(door, unit)[1];
        byte[] mask = Frames.crop(Frames.images("mask", 1).get(0));
        try (MqttTestClient actuator = new MqttTestClient(ItInfrastructure.mqttUrl(), id("act"));
             MqttTestClient pub = new MqttTestClient(ItInfrastructure.mqttUrl(), id("unit"))) {
            actuator.subscribe(Topics.command(door));
            for (long seq = 1; seq <= 3; seq++) {
                pub.publishAndWait(Topics.decision(unit), Frames.decision(key, unit, door, seq, Label.MASK, 950));
                pub.publishAndWait(Topics.frame(unit), Frames.frame(key, unit, door, seq, 950, mask));
                long s = seq;
                Await.until("late verdict of seq " + s, Duration.ofSeconds(30), () -> count(
                        "SELECT count(*) FROM frame_verifications WHERE unit_id = ? AND seq = ? AND status = 'LATE'",
                        unit, s) == 1);
            }
            assertThat(actuator.received().poll(300, TimeUnit.MILLISECONDS)).as("no command").isNull();
        }
        List<Map<String, Object>> rows = jdbc.queryForList("SELECT status, float_label, float_probability, "
                + "decision_ms, door_outcome FROM frame_verifications WHERE unit_id = ?", unit);
        assertThat(rows).hasSize(3).allSatisfy(r -> {
            assertThat(r.get("float_label")).isEqualTo("MASK"); // the float model agreed, but too late
            assertThat(((Number) r.get("decision_ms")).doubleValue()).isGreaterThan(300);
            assertThat(r.get("door_outcome")).isEqualTo("DENIED:VERIFY_LATE");
        });
        assertThat(count("SELECT count(*) FROM events WHERE unit_id = ? AND kind = 'VERDICT' AND outcome = 'DENIED'"
                + " AND reason = 'VERIFY_LATE'", unit)).isEqualTo(3);
        assertThat(count("SELECT count(*) FROM door_commands WHERE door_id = ?", door)).isZero();
    }

    @Test
    void overloadMakesUnverifiedDecisionsWithABoundedQueueAndEveryFrameAccountedFor() throws Exception {
        String door = id("door");
        String unit = id("unit");
        HmacKey key = verifiedDoor(door, unit)[1];
        byte[] mask = Frames.crop(Frames.images("mask", 1).get(0));
        double received = metrics.receivedCount();
        double rejected = metrics.rejectedTotal();
        double unverified = metrics.unverifiedTotal();
        double verified = metrics.verifiedTotal();
        double queueFullBefore = metrics.unverifiedCount("QUEUE_FULL");
        // the verifier takes 2 crops per 600 ms (~3/s); 60 frames in well under 2 s is more than 10x that
        int frames = 60;
        AtomicInteger maxDepth = new AtomicInteger();
        java.util.concurrent.atomic.AtomicBoolean sampling = new java.util.concurrent.atomic.AtomicBoolean(true);
        Thread sampler = new Thread(() -> {
            while (sampling.get()) {
                maxDepth.accumulateAndGet(queue.depth(), Math::max);
                try {
                    Thread.sleep(1);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        sampler.start();
        try (MqttTestClient actuator = new MqttTestClient(ItInfrastructure.mqttUrl(), id("act"));
             MqttTestClient pub = new MqttTestClient(ItInfrastructure.mqttUrl(), id("unit"))) {
            actuator.subscribe(Topics.command(door));
            for (long seq = 1; seq <= frames; seq++) {
                pub.publishAndWait(Topics.decision(unit), Frames.decision(key, unit, door, seq, Label.MASK, 950));
                pub.publishAndWait(Topics.frame(unit), Frames.frame(key, unit, door, seq, 950, mask));
            }
            // globally (frames of other test runs on a shared broker included): received = rejected + unverified
            // + verified; for this unit: a verdict row for every frame
            Await.until("every frame accounted for", Duration.ofSeconds(60), () ->
                    metrics.receivedCount() - received >= frames
                            && (metrics.rejectedTotal() - rejected) + (metrics.unverifiedTotal() - unverified)
                            + (metrics.verifiedTotal() - verified) == metrics.receivedCount() - received
                            && count("SELECT count(*) FROM frame_verifications WHERE unit_id = ? AND status IN "
                            + "('LATE', 'UNVERIFIED') AND coalesce(reason, '') <> 'VERIFY_LATE'", unit) == frames);
            ResponseEntity<JsonNode> health = anonymous.getForEntity("/actuator/health", JsonNode.class);
            assertThat(health.getStatusCode()).isEqualTo(HttpStatus.OK);
            assertThat(health.getBody().get("status").asText()).isEqualTo("UP");
            assertThat(actuator.received().poll(100, TimeUnit.MILLISECONDS)).as("late / unverified: no command")
                    .isNull();
        } finally {
            sampling.set(false);
            sampler.join();
        }
        double queueFull = metrics.unverifiedCount("QUEUE_FULL") - queueFullBefore;
        System.out.printf("overload: %d frames, unverified %.0f (queue full %.0f), verified %.0f, max depth %d%n",
                frames, metrics.unverifiedTotal() - unverified, queueFull, metrics.verifiedTotal() - verified,
                maxDepth.get());
        assertThat(metrics.unverifiedTotal() - unverified).as("frames the full queue refused").isGreaterThan(frames / 2.0);
        assertThat(maxDepth.get()).as("queue depth bound (capacity 4 + batch 2)").isLessThanOrEqualTo(6);
        Await.until("verdicts logged", Duration.ofSeconds(20), () -> count("SELECT count(*) FROM events WHERE "
                + "unit_id = ? AND kind = 'VERDICT'", unit) == frames);
        assertThat(count("SELECT count(*) FROM events WHERE unit_id = ? AND kind = 'VERDICT' AND outcome = 'DENIED' "
                + "AND reason = 'UNVERIFIED'", unit)).as("UNVERIFIED decisions").isGreaterThan(frames / 2);
        assertThat(count("SELECT count(*) FROM events WHERE unit_id = ? AND kind = 'VERDICT' AND outcome = 'GRANTED'",
                unit)).isZero();
        assertThat(count("SELECT count(*) FROM frame_verifications WHERE unit_id = ? AND status = 'UNVERIFIED' "
                + "AND reason = 'QUEUE_FULL'", unit)).isEqualTo((int) queueFull);
    }

    @Test
    void cropsVanishAfterTheirRetentionEventsRemainAndThePurgeIsLogged(CapturedOutput output) throws Exception {
        String door = id("door");
        String unit = id("unit");
        HmacKey key = verifiedDoor(door, unit)[1];
        byte[] mask = Frames.crop(Frames.images("mask", 1).get(0));
        try (MqttTestClient pub = new MqttTestClient(ItInfrastructure.mqttUrl(), id("unit"))) {
            pub.publishAndWait(Topics.decision(unit), Frames.decision(key, unit, door, 1, Label.MASK, 950));
            pub.publishAndWait(Topics.frame(unit), Frames.frame(key, unit, door, 1, 950, mask));
        }
        Await.until("crop kept", Duration.ofSeconds(20),
                () -> count("SELECT count(*) FROM frames WHERE unit_id = ?", unit) == 1);
        Await.until("decision logged", Duration.ofSeconds(20),
                () -> count("SELECT count(*) FROM events WHERE unit_id = ?", unit) >= 2);
        ResponseEntity<JsonNode> dispute = rest.postForEntity("/api/disputes", Map.of("unitId", unit, "seq", 1),
                JsonNode.class);
        assertThat(dispute.getStatusCode()).isEqualTo(HttpStatus.CREATED);
        long id = dispute.getBody().get("id").asLong();
        assertThat(rest.getForEntity("/api/disputes/" + id + "/frame", byte[].class).getBody()).isEqualTo(mask);
        JsonNode settings = rest.getForObject("/api/verification", JsonNode.class);
        assertThat(settings.get("frameRetention").asText()).isEqualTo("PT6S");
        int events = count("SELECT count(*) FROM events WHERE unit_id = ?", unit);

        Await.until("crop purged", Duration.ofSeconds(30),
                () -> count("SELECT count(*) FROM frames WHERE unit_id = ?", unit) == 0);
        assertThat(rest.getForEntity("/api/disputes/" + id + "/frame", byte[].class).getStatusCode())
                .isEqualTo(HttpStatus.NOT_FOUND);
        assertThat(rest.getForObject("/api/disputes/" + id, JsonNode.class).get("frameExpiresAt").isNull()).isTrue();
        assertThat(count("SELECT count(*) FROM events WHERE unit_id = ?", unit)).as("events remain").isEqualTo(events);
        assertThat(count("SELECT count(*) FROM frame_verifications WHERE unit_id = ?", unit)).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM audit_log WHERE actor = 'system' AND action = 'FRAME_PURGE'"))
                .isGreaterThanOrEqualTo(1);
        Await.until("purge logged", Duration.ofSeconds(5),
                () -> output.getAll().contains("frame retention purge: deleted"));
    }
}
