package io.maskgate.service.unit;

import static org.assertj.core.api.Assertions.assertThat;

import io.maskgate.service.config.MaskGateProperties;
import io.maskgate.service.config.MqttEndpoint;
import io.maskgate.service.mqtt.MqttClientHolder;
import io.maskgate.service.security.SecretCipher;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The sync without a broker: what a replica learns, what it ignores, and what it keeps while it cannot send. */
class ReplicaSequenceSyncTest {

    private final byte[] master = new SecureRandom().generateSeed(32);
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private ReplicaSequenceSync a;
    private ReplicaSequenceSync b;

    private ReplicaSequenceSync replica(String clientId, PersistentSequenceState state) throws Exception {
        MaskGateProperties props = new MaskGateProperties(Path.of("target/sync-test"),
                new MaskGateProperties.Mqtt("tcp://127.0.0.1:1", null, null, clientId, "g", Duration.ofMinutes(1),
                        10, Duration.ofSeconds(1), true, Duration.ofSeconds(1), Duration.ofSeconds(2), null, null),
                null, new MaskGateProperties.Decisions(Duration.ofSeconds(30), Duration.ofSeconds(5), true,
                        Duration.ofMillis(2), null, null),
                null, null, Duration.ofSeconds(30), null);
        // never connected: every send fails, as when the command client is offline
        MqttClientHolder mqtt = new MqttClientHolder(new MqttEndpoint("tcp://127.0.0.1:1", null, null), props);
        return new ReplicaSequenceSync(state, mqtt, new SecretCipher(master), props, meters);
    }

    @AfterEach
    void stop() {
        for (ReplicaSequenceSync r : new ReplicaSequenceSync[] {a, b}) {
            if (r != null) {
                r.destroy();
            }
        }
    }

    @Test
    void aReplicaRefusesExactlyThePairsAnotherAccepted() throws Exception {
        PersistentSequenceState stateA = new PersistentSequenceState(Map.of());
        PersistentSequenceState stateB = new PersistentSequenceState(Map.of("u1", 5L));
        a = replica("service-a", stateA);
        b = replica("service-b", stateB);
        SequenceSyncCodec codec = new SequenceSyncCodec(new SecretCipher(master).deriveKey(ReplicaSequenceSync.KEY_PURPOSE));
        byte[] fromA = codec.encode("service-a/0000", 1L,
                List.of(new SequenceSyncCodec.Pair("u1", 7), new SequenceSyncCodec.Pair("u2", 3)));

        assertThat(b.apply(fromA, System.nanoTime())).isEqualTo(2);
        assertThat(stateB.advance("u1", 7)).as("accepted by A: a replay here").isFalse();
        assertThat(stateB.advance("u2", 3)).isFalse();
        assertThat(stateB.advance("u1", 6)).as("not accepted anywhere yet, above B's last 5").isTrue();
        assertThat(stateB.advance("u1", 8)).isTrue();
        assertThat(stateB.advance("u2", 4)).isTrue();

        // the pairs are remembered only while a replay could pass the freshness check
        assertThat(stateB.rememberedElsewhere()).isEqualTo(2);
        assertThat(stateB.forgetExpired(System.nanoTime() + Duration.ofSeconds(36).toNanos())).isEqualTo(2);
        assertThat(stateB.rememberedElsewhere()).isZero();
    }

    @Test
    void ownMessagesAndForgedOnesTeachNothing() throws Exception {
        PersistentSequenceState state = new PersistentSequenceState(Map.of());
        a = replica("service-a", state);
        SequenceSyncCodec codec = new SequenceSyncCodec(new SecretCipher(master).deriveKey(ReplicaSequenceSync.KEY_PURPOSE));
        byte[] own = codec.encode(a.replicaId(), 1L, List.of(new SequenceSyncCodec.Pair("u1", 9)));
        assertThat(a.apply(own, System.nanoTime())).as("its own message").isEqualTo(-1);
        SequenceSyncCodec stranger = new SequenceSyncCodec(new SecretCipher(new SecureRandom().generateSeed(32))
                .deriveKey(ReplicaSequenceSync.KEY_PURPOSE));
        a.onMessage(stranger.encode("service-x/1", 1L, List.of(new SequenceSyncCodec.Pair("u1", 9))));
        a.onMessage(new byte[] {1, 2, 3});
        assertThat(state.rememberedElsewhere()).isZero();
        assertThat(state.advance("u1", 9)).isTrue();
        assertThat(meters.find("maskgate.replica.sync").tag("result", "rejected").counter().count()).isEqualTo(2);
    }

    @Test
    void pairsWaitWhileTheClientCannotSendAndStaleOnesAreDropped() throws Exception {
        a = replica("service-a", new PersistentSequenceState(Map.of()));
        a.destroy(); // no background flushes or retries: this test drives flush() itself
        a.accepted("u1", 1);
        a.accepted("u1", 2);
        a.flush();
        assertThat(a.pendingCount()).as("kept for a retry").isEqualTo(2);
        assertThat(meters.find("maskgate.replica.sync").tag("result", "sent").counter().count()).isZero();
        a.flush(System.nanoTime() + Duration.ofSeconds(36).toNanos()); // later than max-age + max-ahead
        assertThat(a.pendingCount()).isZero();
        assertThat(meters.find("maskgate.replica.sync").tag("result", "unsent").counter().count()).isEqualTo(2);
    }
}
