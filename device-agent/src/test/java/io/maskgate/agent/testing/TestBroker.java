package io.maskgate.agent.testing;

import com.hivemq.embedded.EmbeddedHiveMQ;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The MQTT broker integration tests talk to: the real broker named by env MASKGATE_IT_MQTT_URL (CI: the machine's
 * Mosquitto), otherwise an embedded HiveMQ CE started on a free local port. Both are real brokers reached over
 * real TCP connections.
 */
public final class TestBroker implements AutoCloseable {

    private final String url;
    private final EmbeddedHiveMQ hivemq;
    private final Path dir;

    private TestBroker(String url, EmbeddedHiveMQ hivemq, Path dir) {
        this.url = url;
        this.hivemq = hivemq;
        this.dir = dir;
    }

    private static TestBroker shared;

    /**
     * The broker for this test JVM. The embedded one is started once and shared by every test class (HiveMQ takes
     * seconds to start); it stops when the JVM exits.
     */
    public static synchronized TestBroker start() throws Exception {
        String env = System.getenv("MASKGATE_IT_MQTT_URL");
        if (env != null && !env.isBlank()) {
            return new TestBroker(env, null, null);
        }
        if (shared == null) {
            TestBroker b = startEmbedded();
            Runtime.getRuntime().addShutdownHook(new Thread(b::stopEmbedded));
            shared = b;
        }
        return shared;
    }

    private static TestBroker startEmbedded() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path dir = Files.createTempDirectory("maskgate-hivemq");
        Path conf = Files.createDirectories(dir.resolve("conf"));
        Files.writeString(conf.resolve("config.xml"), """
                <?xml version="1.0"?>
                <hivemq>
                  <listeners>
                    <tcp-listener><port>%d</port><bind-address>127.0.0.1</bind-address></tcp-listener>
                  </listeners>
                  <anonymous-usage-statistics><enabled>false</enabled></anonymous-usage-statistics>
                </hivemq>
                """.formatted(port));
        EmbeddedHiveMQ hivemq = EmbeddedHiveMQ.builder()
                .withConfigurationFolder(conf)
                .withDataFolder(Files.createDirectories(dir.resolve("data")))
                .withExtensionsFolder(Files.createDirectories(dir.resolve("extensions")))
                .build();
        hivemq.start().join();
        return new TestBroker("tcp://127.0.0.1:" + port, hivemq, dir);
    }

    public String url() {
        return url;
    }

    public String host() {
        return URI.create(url).getHost();
    }

    public int port() {
        int p = URI.create(url).getPort();
        return p < 0 ? 1883 : p;
    }

    public boolean embedded() {
        return hivemq != null;
    }

    /** Shared broker: stays up for the other test classes (stopped at JVM exit). */
    @Override
    public void close() {
    }

    private void stopEmbedded() {
        try {
            doStop();
        } catch (Exception e) {
            // JVM exit
        }
    }

    private void doStop() throws Exception {
        if (hivemq != null) {
            hivemq.stop().join();
            hivemq.close();
        }
        if (dir != null) {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> {
                    try {
                        Files.deleteIfExists(p);
                    } catch (IOException ignored) {
                        // temp files
                    }
                });
            }
        }
    }
}
