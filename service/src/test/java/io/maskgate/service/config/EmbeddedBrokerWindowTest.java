package io.maskgate.service.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.maskgate.protocol.testing.OnMessage;
import io.maskgate.protocol.transport.MqttClients;
import io.maskgate.protocol.transport.MqttConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;

/**
 * The in-process broker announces a Receive Maximum as large as the service's publish window (HiveMQ's default, 10,
 * made Paho refuse every QoS 1 publish past the tenth in flight: dropped OTA chunks and door commands under load),
 * and a connection caps its window at whatever Receive Maximum its broker announces, so a burst larger than the
 * broker's limit waits for free slots instead of failing.
 */
class EmbeddedBrokerWindowTest {

    @Test
    void theEmbeddedBrokerTakesAsManyUnacknowledgedPublishesAsTheServiceWindow() throws Exception {
        try (EmbeddedBroker broker = EmbeddedBroker.start(Files.createTempDirectory("broker-window"), 0, false);
             MqttConnection c = connection(broker, 5000)) {
            assertThat(c.window()).isEqualTo(EmbeddedBroker.RECEIVE_MAXIMUM);
        }
    }

    @Test
    void aWindowLargerThanTheBrokersReceiveMaximumMakesABurstWaitInsteadOfFail() throws Exception {
        Path dir = Files.createTempDirectory("broker-window-small");
        try (EmbeddedBroker broker = EmbeddedBroker.start(dir, 0, false, 4);
             MqttConnection publisher = connection(broker, 64);
             MqttConnection subscriber = MqttConnection.clean("window-sub", "window-sub", spec(broker))) {
            int burst = 300;
            CountDownLatch received = new CountDownLatch(burst);
            subscriber.subscribe("window/test", 1, (t, p) -> received.countDown());
            subscriber.start();
            assertThat(subscriber.awaitConnected(10_000)).isTrue();
            AtomicInteger failed = new AtomicInteger();
            for (int i = 0; i < burst; i++) {
                try {
                    publisher.publish("window/test", new byte[] {(byte) i}, 1, false);
                } catch (Exception e) {
                    failed.incrementAndGet();
                }
            }
            assertThat(failed).as("publishes refused").hasValue(0);
            assertThat(received.await(30, TimeUnit.SECONDS)).as("every message delivered").isTrue();
            assertThat(publisher.window()).as("capped at the broker's Receive Maximum").isEqualTo(4);
        }
    }

    /**
     * HiveMQ's own cap (50 unacknowledged messages to a client, next batch only once all are acknowledged) held
     * the service's ingest at one commit cycle per 50 decisions; the broker now sends as many as the client's
     * Receive Maximum allows.
     */
    @Test
    void theEmbeddedBrokerSendsAsManyUnacknowledgedMessagesAsTheClientAllows() throws Exception {
        int allowed = 400;
        try (EmbeddedBroker broker = EmbeddedBroker.start(Files.createTempDirectory("broker-out"), 0, false);
             MqttConnection publisher = connection(broker, 1000)) {
            // as the service's ingest: a persistent session that allows `allowed` unacknowledged messages
            MqttConnectionOptions o = MqttClients.options(new MqttClients.Spec(spec(broker).url(), null, null, false,
                    60, 30, 10, allowed));
            MqttAsyncClient consumer = new MqttAsyncClient(spec(broker).url(), "window-consumer",
                    new MemoryPersistence());
            AtomicInteger delivered = new AtomicInteger();
            consumer.setManualAcks(true); // acknowledge nothing: what arrives is what the broker lets be in flight
            consumer.setCallback(new OnMessage((topic, message) -> delivered.incrementAndGet()));
            // a backlog waits in the session's queue while the consumer is away, as decisions do after a restart
            consumer.connect(o).waitForCompletion(10_000);
            consumer.subscribe("window/out/+", 1).waitForCompletion(10_000);
            consumer.disconnect().waitForCompletion(5_000);
            for (int i = 0; i < allowed + 100; i++) {
                // acknowledged by the broker each: the whole backlog is queued before the consumer returns
                publisher.publishAndWait("window/out/" + (i % 20), new byte[] {(byte) i}, false, 5_000);
            }
            o.setCleanStart(false);
            consumer.connect(o).waitForCompletion(10_000);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (delivered.get() < allowed && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(delivered).as("unacknowledged messages delivered").hasValue(allowed);
            consumer.disconnect().waitForCompletion(5_000);
            consumer.close();
        }
    }

    private static MqttConnection connection(EmbeddedBroker broker, int window) throws InterruptedException {
        MqttClients.Spec spec = spec(broker);
        MqttConnection c = new MqttConnection("window-pub", "window-pub-" + window, spec,
                () -> MqttClients.options(spec), Duration.ofMillis(100), Duration.ofSeconds(1), null, window);
        c.start();
        assertThat(c.awaitConnected(10_000)).isTrue();
        return c;
    }

    private static MqttClients.Spec spec(EmbeddedBroker broker) {
        return MqttClients.Spec.clean("tcp://127.0.0.1:" + broker.port(), null, null);
    }
}
