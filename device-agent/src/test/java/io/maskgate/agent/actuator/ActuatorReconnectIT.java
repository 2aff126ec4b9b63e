package io.maskgate.agent.actuator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.maskgate.agent.mqtt.BrokerSettings;
import io.maskgate.agent.testing.Subscriber;
import io.maskgate.protocol.testing.TcpRelay;
import io.maskgate.agent.testing.TestBroker;
import io.maskgate.protocol.AckStatus;
import io.maskgate.protocol.CommandAck;
import io.maskgate.protocol.DoorAction;
import io.maskgate.protocol.DoorCommand;
import io.maskgate.protocol.Freshness;
import io.maskgate.protocol.HmacKey;
import io.maskgate.protocol.Keys;
import io.maskgate.protocol.MessageCodec;
import io.maskgate.protocol.Signer;
import io.maskgate.protocol.Topics;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Several actuators in one JVM lose the broker (their connections are cut and refused for 3 s) and must each
 * reconnect, renew their subscription (clean start: the broker kept none) and act on the next command. It checks
 * the outcome, not the backoff schedule (the jittered, per-actuator backoff replaced Paho's automatic reconnect).
 */
class ActuatorReconnectIT {

    static TestBroker broker;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = TestBroker.start();
    }

    @AfterAll
    static void stopBroker() throws Exception {
        broker.close();
    }

    @Test
    void everyActuatorReconnectsResubscribesAndAcksTheNextCommand() throws Exception {
        int n = 4;
        String run = UUID.randomUUID().toString().substring(0, 8);
        Clock clock = Clock.systemUTC();
        MessageCodec codec = new MessageCodec();
        List<String> doors = new ArrayList<>();
        List<HmacKey> keys = new ArrayList<>();
        List<ActuatorSimulator> actuators = new ArrayList<>();
        try (TcpRelay proxy = new TcpRelay(broker.host(), broker.port());
             Subscriber acks = new Subscriber(broker.url(), Topics.ALL_ACKS);
             Subscriber operator = new Subscriber(broker.url(), null)) {
            for (int i = 0; i < n; i++) {
                String door = "rc-" + run + "-" + i;
                HmacKey key = Keys.generate();
                doors.add(door);
                keys.add(key);
                actuators.add(new ActuatorSimulator(BrokerSettings.anonymous(proxy.url()),
                        CommandHandler.standard(door, key, clock, Freshness.symmetric(Duration.ofSeconds(30))),
                        null).quiet().start());
            }

            proxy.cut();
            Thread.sleep(3_000);
            for (int i = 0; i < n; i++) {
                assertFalse(actuators.get(i).connected(), "actuator " + i + " noticed the outage");
            }
            proxy.restore();

            // each actuator must come back by itself; commands are sent until each door has acked one
            long deadline = System.currentTimeMillis() + 30_000;
            boolean[] acked = new boolean[n];
            while (System.currentTimeMillis() < deadline && !all(acked)) {
                for (int i = 0; i < n; i++) {
                    if (!acked[i]) {
                        long now = clock.millis();
                        DoorCommand c = Signer.sign(DoorCommand.unsigned(UUID.randomUUID().toString(), doors.get(i),
                                DoorAction.UNLOCK, 1_000, now, now + 10_000, 1), keys.get(i));
                        operator.publish(Topics.command(doors.get(i)), codec.encode(c));
                    }
                }
                Thread.sleep(500);
                for (Subscriber.Received r : acks.received()) {
                    CommandAck ack = codec.decodeAck(r.payload());
                    int i = doors.indexOf(ack.doorId());
                    if (i < 0) {
                        continue; // another test's door on a shared broker
                    }
                    assertEquals(AckStatus.DONE, ack.status());
                    acked[i] = true;
                }
            }
            for (int i = 0; i < n; i++) {
                assertTrue(acked[i], "actuator " + doors.get(i) + " acked a command after the outage");
                assertTrue(actuators.get(i).connected());
            }
        } finally {
            actuators.forEach(ActuatorSimulator::close);
        }
    }

    private static boolean all(boolean[] b) {
        for (boolean x : b) {
            if (!x) {
                return false;
            }
        }
        return true;
    }
}
