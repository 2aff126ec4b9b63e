package io.maskgate.service.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.maskgate.protocol.Topics;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The deploy/ Mosquitto ACL against a real Mosquitto (its config, TLS listener and max_packet_size as deployed):
 * a unit cannot publish as another unit, read commands or publish commands; an actuator cannot read another
 * door's commands; nobody gets in without a password or over a TLS connection that does not verify the broker.
 */
class MosquittoAclIT {

    private static final String RUN = ItInfrastructure.RUN;
    private static final String SERVICE = "maskgate-service";
    private static final String UNIT_A = "unit-a-" + RUN;
    private static final String UNIT_B = "unit-b-" + RUN;
    private static final String DOOR_D = "door-d-" + RUN;
    private static final String DOOR_E = "door-e-" + RUN;
    private static final Map<String, String> USERS = new LinkedHashMap<>();
    private static DeployMosquitto broker;

    @BeforeAll
    static void start() throws Exception {
        for (String user : new String[] {SERVICE, UNIT_A, UNIT_B, DOOR_D, DOOR_E}) {
            USERS.put(user, "pw-" + user + "-" + RUN);
        }
        broker = DeployMosquitto.start(USERS);
    }

    @AfterAll
    static void stop() {
        if (broker != null) {
            broker.close();
        }
    }

    private static DeployMosquitto.Client as(String user) throws Exception {
        return broker.client(user + "-" + System.nanoTime(), user, USERS.get(user), true);
    }

    @Test
    void aUnitCannotPublishAsAnotherUnit() throws Exception {
        try (DeployMosquitto.Client service = as(SERVICE); DeployMosquitto.Client unitA = as(UNIT_A)) {
            assertThat(service.subscribe(Topics.ALL_DECISIONS)).isLessThan(0x80);
            unitA.publish(Topics.decision(UNIT_B), "forged");
            unitA.publish(Topics.decision(UNIT_A), "own");
            // one publisher's messages arrive in order: had the forged one passed, it would come first
            assertThat(service.poll(10_000)).isEqualTo(Topics.decision(UNIT_A) + " own");
            assertThat(service.poll(300)).isNull();
        }
    }

    @Test
    void aUnitCannotReadOrPublishCommands() throws Exception {
        try (DeployMosquitto.Client service = as(SERVICE); DeployMosquitto.Client unitA = as(UNIT_A);
             DeployMosquitto.Client actuatorD = as(DOOR_D); DeployMosquitto.Client actuatorE = as(DOOR_E)) {
            unitA.subscribe(Topics.ALL_COMMANDS);
            unitA.subscribe(Topics.command(DOOR_D));
            actuatorE.subscribe(Topics.command(DOOR_D)); // another door's actuator
            assertThat(actuatorD.subscribe(Topics.command(DOOR_D))).isLessThan(0x80);

            unitA.publish(Topics.command(DOOR_D), "forged-by-unit");
            actuatorE.publish(Topics.command(DOOR_D), "forged-by-other-door");
            service.publish(Topics.command(DOOR_D), "real");
            assertThat(actuatorD.poll(10_000)).as("the actuator gets the service's command, and only that")
                    .isEqualTo(Topics.command(DOOR_D) + " real");
            assertThat(actuatorD.poll(300)).isNull();
            assertThat(unitA.poll(300)).as("a unit reads no commands").isNull();
            assertThat(actuatorE.poll(300)).as("an actuator reads no other door's commands").isNull();
        }
    }

    @Test
    void anActuatorCannotAckForAnotherDoor() throws Exception {
        try (DeployMosquitto.Client service = as(SERVICE); DeployMosquitto.Client actuatorE = as(DOOR_E);
             DeployMosquitto.Client actuatorD = as(DOOR_D)) {
            service.subscribe(Topics.ALL_ACKS);
            actuatorE.publish(Topics.ack(DOOR_D), "forged");
            actuatorD.publish(Topics.ack(DOOR_D), "own");
            assertThat(service.poll(10_000)).isEqualTo(Topics.ack(DOOR_D) + " own");
            assertThat(service.poll(300)).isNull();
        }
    }

    @Test
    void noEntryWithoutPasswordOrWithoutVerifyingTheBroker() throws Exception {
        assertThatThrownBy(() -> broker.client("anon-" + RUN, null, null, true).close())
                .as("anonymous").isInstanceOf(Exception.class);
        assertThatThrownBy(() -> broker.client("wrong-" + RUN, UNIT_A, "wrong-password", true).close())
                .as("wrong password").isInstanceOf(Exception.class);
        assertThatThrownBy(() -> broker.client("untrusting-" + RUN, UNIT_A, USERS.get(UNIT_A), false).close())
                .as("a client that does not trust the broker's CA refuses the connection")
                .isInstanceOf(Exception.class);
    }

    @Test
    void anOversizePacketDisconnectsItsSender() throws Exception {
        try (DeployMosquitto.Client service = as(SERVICE); DeployMosquitto.Client unitA = as(UNIT_A)) {
            service.subscribe(Topics.ALL_DECISIONS);
            String huge = "x".repeat(100 * 1024);
            try {
                unitA.publish(Topics.decision(UNIT_A), huge);
            } catch (Exception expected) {
                // the broker closes the connection instead of acknowledging
            }
            Await.until("the sender is disconnected", java.time.Duration.ofSeconds(10),
                    () -> !unitA.mqtt.isConnected());
            assertThat(service.poll(300)).as("nothing delivered").isNull();
        }
    }
}
