package io.maskgate.service.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.maskgate.protocol.HmacKey;
import io.maskgate.protocol.Label;
import io.maskgate.protocol.RejectReason;
import io.maskgate.protocol.Topics;
import io.maskgate.service.metrics.MaskGateMetrics;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * A huge MQTT message must never reach the service's heap: the service's clients announce a maximum packet size
 * (MQTT 5), so the broker drops bigger messages instead of delivering them, whatever the broker's own limit. Before
 * the limit, a 300 KiB message was buffered whole by the service and only then refused as OVERSIZE.
 */
class PacketSizeIT extends AbstractServiceIT {

    @Autowired
    MaskGateMetrics metrics;

    @Test
    void aMessageAboveTheMaximumPacketSizeNeverReachesTheService() throws Exception {
        String door = id("door");
        String unit = id("unit");
        createDoor(door);
        HmacKey key = registerUnit(unit, door);
        double oversizeBefore = metrics.rejectedCount(RejectReason.OVERSIZE);
        double acceptedBefore = metrics.acceptedCount();

        byte[] huge = new byte[300 * 1024];
        Arrays.fill(huge, (byte) 'x');
        try (MqttTestClient attacker = new MqttTestClient(ItInfrastructure.mqttUrl(), id("big"))) {
            try {
                attacker.publishAndWait(Topics.decision(unit), huge);
            } catch (Exception refused) {
                // a broker with its own limit (deploy/ Mosquitto, embedded HiveMQ) disconnects the sender instead
            }
        }
        try (MqttTestClient unitClient = new MqttTestClient(ItInfrastructure.mqttUrl(), id("unit"))) {
            unitClient.publishAndWait(Topics.decision(unit), decision(key, unit, door, 1, Label.NO_MASK, 100));
        }
        Await.until("the valid decision after it is accepted", Duration.ofSeconds(15),
                () -> metrics.acceptedCount() - acceptedBefore >= 1);
        assertThat(metrics.rejectedCount(RejectReason.OVERSIZE) - oversizeBefore)
                .as("the 300 KiB message was never delivered to the service").isZero();
    }
}
