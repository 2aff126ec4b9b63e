package io.maskgate.service.it;

import io.maskgate.service.config.EmbeddedBroker;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * The real PostgreSQL and MQTT broker the integration tests run against: the ones named by MASKGATE_IT_DB_URL /
 * MASKGATE_IT_DB_USER / MASKGATE_IT_DB_PASSWORD / MASKGATE_IT_MQTT_URL (CI points them at the machine's
 * PostgreSQL and Mosquitto), otherwise an embedded PostgreSQL and an in-process HiveMQ started once per JVM.
 * Everything a test run creates carries {@link #RUN} so runs against a shared broker never see each other.
 */
public final class ItInfrastructure {

    /** Random id of this test JVM, used in client ids, share groups and entity ids. */
    public static final String RUN = HexFormat.of().formatHex(new SecureRandom().generateSeed(4));

    /** Master key of the test contexts. */
    public static final String MASTER_KEY = Base64.getEncoder().encodeToString(new SecureRandom().generateSeed(32));

    /** Fleet manifest key (Ed25519 seed) of the test contexts. */
    /**
     * maskgate.doors.default-min-score of every service the ITs start: their synthetic decisions score 900-999 and
     * test the policy's mechanics, not a model; the shipped default (the model's calibrated threshold) is checked by
     * DoorDefaultsTest.
     */
    public static final String SYNTHETIC_MIN_SCORE = "700";

    public static final String FLEET_KEY = io.maskgate.protocol.FleetKey.generate().seedBase64Url();

    private static EmbeddedPostgres postgres;
    private static EmbeddedBroker broker;
    private static Path tempDir;

    private ItInfrastructure() {
    }

    public static synchronized String dbUrl() {
        String url = System.getenv("MASKGATE_IT_DB_URL");
        if (url != null && !url.isBlank()) {
            return url;
        }
        if (postgres == null) {
            try {
                postgres = EmbeddedPostgres.builder().setDataDirectory(tempDir().resolve("pg"))
                        .setCleanDataDirectory(true).start();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start embedded PostgreSQL for the tests", e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    postgres.close();
                } catch (IOException ignored) {
                    // JVM is exiting
                }
            }));
        }
        return "jdbc:postgresql://localhost:" + postgres.getPort() + "/postgres";
    }

    public static String dbUser() {
        String user = System.getenv("MASKGATE_IT_DB_USER");
        return user != null && !user.isBlank() ? user : "postgres";
    }

    public static String dbPassword() {
        String password = System.getenv("MASKGATE_IT_DB_PASSWORD");
        return password == null ? "" : password;
    }

    public static synchronized String mqttUrl() {
        String url = System.getenv("MASKGATE_IT_MQTT_URL");
        if (url != null && !url.isBlank()) {
            return url;
        }
        if (broker == null) {
            broker = EmbeddedBroker.start(tempDir().resolve("mqtt"), 0, false);
            Runtime.getRuntime().addShutdownHook(new Thread(broker::close));
        }
        return broker.url();
    }

    /** The JDBC URL with a search path of {@code schema} (for a test that needs its own tables). */
    public static String dbUrlWithSchema(String schema) {
        String url = dbUrl();
        return url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    }

    public static synchronized Path tempDir() {
        if (tempDir == null) {
            try {
                tempDir = Files.createTempDirectory("maskgate-it-");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return tempDir;
    }
}
