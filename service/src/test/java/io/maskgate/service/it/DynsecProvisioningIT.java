package io.maskgate.service.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.maskgate.protocol.AckStatus;
import io.maskgate.protocol.CommandAck;
import io.maskgate.protocol.Decision;
import io.maskgate.protocol.DoorAction;
import io.maskgate.protocol.DoorCommand;
import io.maskgate.protocol.HmacKey;
import io.maskgate.protocol.Label;
import io.maskgate.protocol.Signer;
import io.maskgate.protocol.Topics;
import io.maskgate.service.broker.BrokerProvisioningException;
import io.maskgate.service.door.DoorService;
import io.maskgate.service.unit.Unit;
import io.maskgate.service.unit.UnitService;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Broker credentials provisioned by the service (maskgate.mqtt.dynsec.enabled) against a real Mosquitto running
 * deploy/mosquitto/mosquitto-dynsec.conf, initialised with deploy/mosquitto/dynsec-init.sh: registering a door and
 * a unit through the service creates their broker clients; the unit's decision reaches the service and unlocks the
 * door at the actuator (logged in with its provisioned password); the unit cannot publish as another unit nor read
 * commands; a wrong password is refused; a disabled unit is disconnected and cannot reconnect until re-enabled; a
 * rotated password replaces the old one; a deleted unit's client is gone; a dynsec error rolls the registration
 * back and is counted. Without provisioning no unit could log in at all (the broker has no other accounts).
 */
class DynsecProvisioningIT {

    private static final String RUN = ItInfrastructure.RUN;

    @Test
    void unitsAndActuatorsGetTheirBrokerClientsFromTheService() throws Exception {
        String door = "door-ds-" + RUN;
        String unit = "unit-ds-" + RUN;
        String otherUnit = "unit-ds-other-" + RUN;
        String servicePassword = "pw-service-" + RUN;
        try (DeployMosquitto broker = DeployMosquitto.startDynsec("pw-admin-" + RUN, servicePassword)) {
            String clientId = "maskgate-ds-" + RUN;
            Map<String, Object> props = ServiceContexts.props("ds_" + RUN, clientId, "ds" + RUN);
            props.put("maskgate.mqtt.url", broker.tlsUrl());
            props.put("maskgate.mqtt.tls.ca-file", broker.caFile.toString());
            props.put("maskgate.mqtt.username", "maskgate-service");
            props.put("maskgate.mqtt.password", servicePassword);
            props.put("maskgate.mqtt.dynsec.enabled", "true");
            try (ConfigurableApplicationContext service = ServiceContexts.start(props)) {
                DoorService doors = service.getBean(DoorService.class);
                UnitService units = service.getBean(UnitService.class);
                MeterRegistry meters = service.getBean(MeterRegistry.class);

                DoorService.CreatedDoor createdDoor = doors.create("ds-it", door, null, null);
                UnitService.RegisteredUnit registered = units.register("ds-it", unit, null, door, true);
                UnitService.RegisteredUnit other = units.register("ds-it", otherUnit, null, door, true);
                assertThat(registered.brokerUsername()).isEqualTo(unit);
                assertThat(registered.brokerPassword()).hasSizeGreaterThanOrEqualTo(32)
                        .isNotEqualTo(other.brokerPassword());
                assertThat(createdDoor.brokerUsername()).isEqualTo(door);
                assertThat(registered.toString()).doesNotContain(registered.brokerPassword());
                assertThat(provisioned(meters, "create_unit", "ok")).isEqualTo(2);
                assertThat(provisioned(meters, "create_door", "ok")).isEqualTo(1);
                // the service keeps no broker password: Mosquitto holds only a salted hash
                String dynsecFile = Files.readString(broker.dir.resolve("data/dynamic-security.json"));
                assertThat(dynsecFile).contains("\"" + unit + "\"").doesNotContain(registered.brokerPassword());

                HmacKey unitKey = HmacKey.parse(registered.secret());
                HmacKey doorKey = HmacKey.parse(createdDoor.actuatorKey());
                double ackedBefore = count(meters, "maskgate.commands", "result", "acked");
                try (DeployMosquitto.Client actuator = broker.client(door + "-act", door,
                        createdDoor.brokerPassword(), true);
                     DeployMosquitto.Client camera = broker.client(unit + "-cam", unit,
                             registered.brokerPassword(), true);
                     DeployMosquitto.Client otherCamera = broker.client(otherUnit + "-cam", otherUnit,
                             other.brokerPassword(), true)) {
                    assertThat(actuator.subscribe(Topics.command(door))).as("actuator reads its commands")
                            .isLessThan(0x80);
                    assertThat(camera.subscribe(Topics.command(door))).as("a unit may not read commands")
                            .isGreaterThanOrEqualTo(0x80);
                    assertThat(camera.subscribe(Topics.ALL_COMMANDS)).isGreaterThanOrEqualTo(0x80);
                    assertThat(actuator.subscribe(Topics.command("door-elsewhere"))).as("another door's commands")
                            .isGreaterThanOrEqualTo(0x80);

                    // a unit publishing as another unit: the broker drops it, so the service never sees it
                    double acceptedBefore = count(meters, "maskgate.decisions", "outcome", "accepted");
                    Decision forged = Signer.sign(Decision.unsigned(otherUnit, door, 1, System.currentTimeMillis(),
                            Label.MASK, 990, "ds-it"), unitKey);
                    camera.publish(Topics.decision(otherUnit), json(forged));
                    camera.publish(Topics.command(door), "forged-command");

                    Decision d = Signer.sign(Decision.unsigned(unit, door, 1, System.currentTimeMillis(), Label.MASK,
                            990, "ds-it"), unitKey);
                    camera.publish(Topics.decision(unit), json(d));
                    String received = actuator.poll(20_000);
                    assertThat(received).as("the unit's decision reaches the service and unlocks the door")
                            .isNotNull().startsWith(Topics.command(door) + " ");
                    DoorCommand command = MqttTestClient.CODEC.decodeCommand(received
                            .substring(Topics.command(door).length() + 1).getBytes(StandardCharsets.UTF_8));
                    assertThat(command.action()).isEqualTo(DoorAction.UNLOCK);
                    CommandAck ack = Signer.sign(CommandAck.unsigned(command.commandId(), door, AckStatus.DONE,
                            null, System.currentTimeMillis()), doorKey);
                    actuator.publish(Topics.ack(door), json(ack));
                    Await.until("the ack is matched", Duration.ofSeconds(15),
                            () -> count(meters, "maskgate.commands", "result", "acked") > ackedBefore);
                    // decisions of one publisher arrive in order: the forged one came first and never arrived
                    assertThat(count(meters, "maskgate.decisions", "outcome", "accepted") - acceptedBefore)
                            .as("only the unit's own decision was accepted").isEqualTo(1);
                    assertThat(actuator.poll(300)).as("the unit's forged command never reached the actuator")
                            .isNull();

                    assertThatThrownBy(() -> broker.client(unit + "-wrong", unit, "wrong-password", true).close())
                            .as("wrong password").isInstanceOf(Exception.class);

                    // disable: the broker disconnects the unit and refuses it until it is enabled again
                    Unit u = units.get(unit);
                    units.update("ds-it", unit, u.name(), u.doorId(), false);
                    Await.until("the disabled unit is disconnected", Duration.ofSeconds(10),
                            () -> !camera.mqtt.isConnected());
                    assertThatThrownBy(() -> broker.client(unit + "-again", unit, registered.brokerPassword(), true)
                            .close()).as("a disabled unit cannot connect").isInstanceOf(Exception.class);
                    units.update("ds-it", unit, u.name(), u.doorId(), true);
                    broker.client(unit + "-enabled", unit, registered.brokerPassword(), true).close();

                    // rotation: the new password works, the old one no longer does
                    UnitService.RegisteredUnit rotated = units.rotateSecret("ds-it", unit);
                    assertThat(rotated.brokerPassword()).isNotEqualTo(registered.brokerPassword());
                    broker.client(unit + "-rotated", unit, rotated.brokerPassword(), true).close();
                    assertThatThrownBy(() -> broker.client(unit + "-old", unit, registered.brokerPassword(), true)
                            .close()).as("the old password after rotation").isInstanceOf(Exception.class);
                    DoorService.ActuatorCredentials actuatorRotated = doors.rotateActuatorPassword("ds-it", door);
                    broker.client(door + "-rotated", door, actuatorRotated.brokerPassword(), true).close();

                    // delete: the unit's client and role are gone
                    units.delete("ds-it", unit);
                    assertThatThrownBy(() -> broker.client(unit + "-deleted", unit, rotated.brokerPassword(), true)
                            .close()).as("a deleted unit cannot connect").isInstanceOf(Exception.class);
                    String afterDelete = Files.readString(broker.dir.resolve("data/dynamic-security.json"));
                    assertThat(afterDelete).doesNotContain("\"" + unit + "\"")
                            .doesNotContain("maskgate-unit-" + unit + "\"");
                    assertThat(provisioned(meters, "delete_unit", "ok")).isEqualTo(1);
                }

                // a dynsec error (the broker username is taken) rolls the registration back, counted
                assertThatThrownBy(() -> units.register("ds-it", "maskgate-service", null, door, true))
                        .isInstanceOf(BrokerProvisioningException.class)
                        .hasMessageContaining("broker provisioning failed").hasMessageContaining("already exists");
                assertThatThrownBy(() -> units.get("maskgate-service")).as("registration rolled back")
                        .hasMessageContaining("not found");
                assertThat(provisioned(meters, "create_unit", "dynsec_error")).isEqualTo(1);
                // the service's own client survived the failed attempt
                assertThat(Files.readString(broker.dir.resolve("data/dynamic-security.json")))
                        .contains("\"maskgate-service\"");
            }
        }
    }

    private static String json(Record message) {
        return new String(MqttTestClient.CODEC.encode((Record) message), StandardCharsets.UTF_8);
    }

    private static double provisioned(MeterRegistry meters, String op, String result) {
        Counter c = meters.find("maskgate.broker.provisioning").tag("op", op).tag("result", result).counter();
        return c == null ? 0 : c.count();
    }

    private static double count(MeterRegistry meters, String name, String tag, String value) {
        Counter c = meters.find(name).tag(tag, value).counter();
        return c == null ? 0 : c.count();
    }
}
