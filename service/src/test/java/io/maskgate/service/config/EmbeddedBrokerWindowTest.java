package io.maskgate.service.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.maskgate.protocol.transport.MqttClients;
import io.maskgate.protocol.transport.MqttConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
