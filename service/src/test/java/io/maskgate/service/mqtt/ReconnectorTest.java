package io.maskgate.service.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.junit.jupiter.api.Test;

class ReconnectorTest {

    @Test
    void backoffDoublesFromMinAndIsCappedAtMax() {
        Reconnector r = new Reconnector("t", () -> { }, () -> true, () -> true, Duration.ofSeconds(1),
                Duration.ofSeconds(30));
        long b = 1_000;
        StringBuilder seen = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            seen.append(b).append(' ');
            b = r.nextBackoff(b);
        }
        assertThat(seen.toString().trim()).isEqualTo("1000 2000 4000 8000 16000 30000 30000 30000");
    }

    @Test
    void retriesUntilConnectedThenStops() throws Exception {
        AtomicBoolean connected = new AtomicBoolean();
        List<Long> attempts = new CopyOnWriteArrayList<>();
        CountDownLatch done = new CountDownLatch(1);
        Reconnector r = new Reconnector("t", () -> {
            attempts.add(System.nanoTime());
            if (attempts.size() < 5) {
                throw new MqttException(MqttException.REASON_CODE_CLIENT_EXCEPTION);
            }
            connected.set(true);
            done.countDown();
        }, connected::get, () -> true, Duration.ofMillis(20), Duration.ofMillis(60));
        r.trigger();
        r.trigger(); // a second trigger while a loop runs starts no second loop
        assertThat(done.await(5, TimeUnit.SECONDS)).isTrue();
        Thread.sleep(200);
        assertThat(attempts).hasSize(5);
        // waits between attempts: 20, 40, 60 (capped), 60 ms
        long[] minGapsMs = {20, 40, 60, 60};
        for (int i = 1; i < attempts.size(); i++) {
            long gapMs = (attempts.get(i) - attempts.get(i - 1)) / 1_000_000;
            assertThat(gapMs).as("wait before attempt %d", i + 1).isBetween(minGapsMs[i - 1], minGapsMs[i - 1] + 1_000);
        }
    }
}
