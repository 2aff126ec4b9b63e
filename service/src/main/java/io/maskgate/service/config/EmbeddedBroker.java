package io.maskgate.service.config;

import com.hivemq.embedded.EmbeddedHiveMQ;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * An in-process MQTT 5 broker (HiveMQ Community Edition) bound to 127.0.0.1. Used by the zero-setup default,
 * by the integration tests when no external broker is given, and by the decision benchmark.
 * Anonymous access: it only listens on loopback, and every message that matters is HMAC-signed.
 */
public final class EmbeddedBroker implements AutoCloseable {

    /**
     * Largest packet the broker accepts (a sender of a bigger one is disconnected), as
     * {@code deploy/mosquitto/mosquitto.conf}'s max_packet_size: a FrameUpload (64 KiB) plus topic and headers.
     */
    public static final int MAX_PACKET_BYTES = 72 * 1024;
    /**
     * QoS 1 messages each client may have unacknowledged at once, in both directions: what clients may send (the
     * service's default publish window) and what the broker sends a client that allows as many (the service's
     * default ingest window, maskgate.mqtt.inflight).
     */
    public static final int RECEIVE_MAXIMUM = 1000;

    private final EmbeddedHiveMQ hivemq;
    private final int port;

    private EmbeddedBroker(EmbeddedHiveMQ hivemq, int port) {
        this.hivemq = hivemq;
        this.port = port;
    }

    /**
     * Starts a broker on {@code port} (0 = a free port) keeping its files under {@code dir}.
     *
     * @param persistent file persistence (sessions survive a broker restart) instead of in-memory
     */
    public static EmbeddedBroker start(Path dir, int port, boolean persistent) {
        return start(dir, port, persistent, RECEIVE_MAXIMUM);
    }

    /** @param receiveMaximum the Receive Maximum the broker announces to every client */
    static EmbeddedBroker start(Path dir, int port, boolean persistent, int receiveMaximum) {
        int actual = port > 0 ? port : freePort();
        try {
            Path conf = Files.createDirectories(dir.resolve("conf"));
            Path data = Files.createDirectories(dir.resolve("data"));
            Path extensions = Files.createDirectories(dir.resolve("extensions"));
            Files.writeString(conf.resolve("config.xml"), """
                    <?xml version="1.0"?>
                    <hivemq>
                      <listeners>
                        <tcp-listener><port>%d</port><bind-address>127.0.0.1</bind-address></tcp-listener>
                      </listeners>
                      <mqtt>
                        <packets><max-packet-size>%d</max-packet-size></packets>
                        <!-- HiveMQ's default silently discards QoS 1 messages past 1,000 queued per client: a
                             backlog of decisions after a restart is normal, so allow as many as the deploy/ Mosquitto -->
                        <queued-messages><max-queue-size>100000</max-queue-size></queued-messages>
                        <!-- QoS 1 messages a client may have unacknowledged at once (HiveMQ's default 10): the
                             service publishes commands and OTA chunks with a window of maskgate.mqtt.inflight -->
                        <receive-maximum><server-receive-maximum>%d</server-receive-maximum></receive-maximum>
                      </mqtt>
                      <persistence><mode>%s</mode></persistence>
                      <anonymous-usage-statistics><enabled>false</enabled></anonymous-usage-statistics>
                    </hivemq>
                    """.formatted(actual, MAX_PACKET_BYTES, receiveMaximum, persistent ? "file" : "in-memory"));
            // HiveMQ CE sends a client at most min(its Receive Maximum, this internal constant, 50) unacknowledged
            // QoS 1 messages, and polls the next batch only once all of them are acknowledged. The service
            // acknowledges a decision after its events are committed, so 50 per commit cycle capped ingest at about
            // 2,700 decisions/s (bench decisions) while the event writer idled. No config.xml key exists; the field
            // is public and read per poll. It is process-wide: the last broker started sets it (a service starts one;
            // tests that start several get the last one's window).
            com.hivemq.configuration.service.InternalConfigurations.MAX_INFLIGHT_WINDOW_SIZE_MESSAGES = receiveMaximum;
            EmbeddedHiveMQ hivemq = EmbeddedHiveMQ.builder()
                    .withConfigurationFolder(conf)
                    .withDataFolder(data)
                    .withExtensionsFolder(extensions)
                    .withoutLoggingBootstrap()
                    .build();
            hivemq.start().join();
            return new EmbeddedBroker(hivemq, actual);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the embedded broker under " + dir, e);
        }
    }

    public int port() {
        return port;
    }

    public String url() {
        return "tcp://127.0.0.1:" + port;
    }

    @Override
    public void close() {
        hivemq.stop().join();
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port for the embedded broker", e);
        }
    }
}
