package io.maskgate.service.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.maskgate.protocol.AckStatus;
import io.maskgate.protocol.CommandAck;
import io.maskgate.protocol.Decision;
import io.maskgate.protocol.DoorAction;
import io.maskgate.protocol.DoorCommand;
import io.maskgate.protocol.HmacKey;
import io.maskgate.protocol.Label;
import io.maskgate.protocol.Signer;
import io.maskgate.protocol.Topics;
import io.maskgate.service.door.DoorService;
import io.maskgate.service.unit.UnitService;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The decision flow over TLS through Mosquitto running the deploy/ configuration (TLS listener, password file,
 * ACL): the service connects with ssl:// and verifies the broker against the CA made by make-certs.sh, the unit
 * and the actuator log in with their own ids; a MASK decision becomes an UNLOCK at the actuator and its ack is
 * matched.
 */
class MosquittoTlsIT {

    @Test
    void decisionToUnlockToAckOverTls() throws Exception {
        String run = ItInfrastructure.RUN;
        String door = "door-tls-" + run;
        String unit = "unit-tls-" + run;
        Map<String, String> users = new LinkedHashMap<>();
        users.put("maskgate-service", "pw-service-" + run);
        users.put(unit, "pw-unit-" + run);
        users.put(door, "pw-door-" + run);
        try (DeployMosquitto broker = DeployMosquitto.start(users)) {
            String clientId = "maskgate-tls-" + run;
            Map<String, Object> props = ServiceContexts.props("tls_" + run, clientId, "tls" + run);
            props.put("maskgate.mqtt.url", broker.tlsUrl());
            props.put("maskgate.mqtt.tls.ca-file", broker.caFile.toString());
            props.put("maskgate.mqtt.username", "maskgate-service");
            props.put("maskgate.mqtt.password", users.get("maskgate-service"));
            try (ConfigurableApplicationContext service = ServiceContexts.start(props)) {
                HmacKey doorKey = HmacKey.parse(service.getBean(DoorService.class)
                        .create("tls-it", door, null, null).actuatorKey());
                HmacKey unitKey = HmacKey.parse(service.getBean(UnitService.class)
                        .register("tls-it", unit, null, door, true).secret());
                MeterRegistry meters = service.getBean(MeterRegistry.class);
                double ackedBefore = acked(meters);
                try (DeployMosquitto.Client actuator = broker.client(door + "-act", door, users.get(door), true);
                     DeployMosquitto.Client camera = broker.client(unit + "-cam", unit, users.get(unit), true)) {
                    assertThat(actuator.subscribe(Topics.command(door))).isLessThan(0x80);
                    Decision d = Signer.sign(Decision.unsigned(unit, door, 1, System.currentTimeMillis(), Label.MASK,
                            990, "tls-it"), unitKey);
                    camera.publish(Topics.decision(unit), new String(MqttTestClient.CODEC.encode(d),
                            StandardCharsets.UTF_8));
                    String received = actuator.poll(20_000);
                    assertThat(received).as("UNLOCK over TLS").isNotNull().startsWith(Topics.command(door) + " ");
                    DoorCommand command = MqttTestClient.CODEC.decodeCommand(received
                            .substring(Topics.command(door).length() + 1).getBytes(StandardCharsets.UTF_8));
                    assertThat(command.action()).isEqualTo(DoorAction.UNLOCK);
                    CommandAck ack = Signer.sign(CommandAck.unsigned(command.commandId(), door, AckStatus.DONE, null,
                            System.currentTimeMillis()), doorKey);
                    actuator.publish(Topics.ack(door), new String(MqttTestClient.CODEC.encode(ack),
                            StandardCharsets.UTF_8));
                    Await.until("the ack is matched", Duration.ofSeconds(15), () -> acked(meters) > ackedBefore);
                }
            }
        }
    }

    private static double acked(MeterRegistry meters) {
        Counter c = meters.find("maskgate.commands").tag("result", "acked").counter();
        return c == null ? 0 : c.count();
    }
}
