package io.maskgate.service.unit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.maskgate.service.security.SecretCipher;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SequenceSyncCodecTest {

    private static byte[] masterKey() {
        byte[] k = new byte[32];
        new SecureRandom().nextBytes(k);
        return k;
    }

    private final byte[] master = masterKey();
    private final SequenceSyncCodec codec =
            new SequenceSyncCodec(new SecretCipher(master).deriveKey(ReplicaSequenceSync.KEY_PURPOSE));
    private final List<SequenceSyncCodec.Pair> pairs =
            List.of(new SequenceSyncCodec.Pair("unit-1", 41), new SequenceSyncCodec.Pair("unit_2", 1_795_622_700_073L));

    @Test
    void roundTripBetweenReplicasSharingTheMasterKey() {
        SequenceSyncCodec other = new SequenceSyncCodec(new SecretCipher(master.clone())
                .deriveKey(ReplicaSequenceSync.KEY_PURPOSE));
        SequenceSyncCodec.Message m = other.decode(codec.encode("replica-a", 1234L, pairs));
        assertThat(m.replicaId()).isEqualTo("replica-a");
        assertThat(m.sentAtMillis()).isEqualTo(1234L);
        assertThat(m.pairs()).containsExactlyElementsOf(pairs);
        assertThat(codec.decode(codec.encode("r", 1, List.of())).pairs()).isEmpty();
    }

    @Test
    void aDifferentMasterKeyOrPurposeIsRefused() {
        byte[] payload = codec.encode("replica-a", 1L, pairs);
        SequenceSyncCodec otherMaster = new SequenceSyncCodec(new SecretCipher(masterKey())
                .deriveKey(ReplicaSequenceSync.KEY_PURPOSE));
        SequenceSyncCodec otherPurpose = new SequenceSyncCodec(new SecretCipher(master).deriveKey("something else"));
        assertThatThrownBy(() -> otherMaster.decode(payload)).hasMessage("bad signature");
        assertThatThrownBy(() -> otherPurpose.decode(payload)).hasMessage("bad signature");
    }

    @Test
    void tamperingWithAnyByteOfTheBodyIsRefused() {
        byte[] payload = codec.encode("replica-a", 1L, pairs);
        int bodyStart = new String(payload, StandardCharsets.UTF_8).indexOf('\n') + 1;
        for (int i = bodyStart; i < payload.length; i++) {
            byte[] t = payload.clone();
            t[i] ^= 0x01;
            assertThatThrownBy(() -> codec.decode(t)).as("byte " + i).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void malformedInputGetsAClearReason() {
        assertThatThrownBy(() -> codec.decode(null)).hasMessageContaining("size");
        assertThatThrownBy(() -> codec.decode(new byte[0])).hasMessageContaining("size");
        assertThatThrownBy(() -> codec.decode(new byte[SequenceSyncCodec.MAX_PAYLOAD + 1]))
                .hasMessageContaining("size");
        assertThatThrownBy(() -> codec.decode("no newline".getBytes(StandardCharsets.UTF_8)))
                .hasMessage("no signature line");
        assertThatThrownBy(() -> codec.decode("%%%\nv1\nr\n1\n".getBytes(StandardCharsets.UTF_8)))
                .hasMessage("signature is not base64");
        // correctly signed but malformed bodies (an insider with the key still cannot crash the service)
        assertThatThrownBy(() -> codec.decode(signed("v2\nr\n1\n"))).hasMessage("bad header or framing");
        assertThatThrownBy(() -> codec.decode(signed("v1\nr\n1\nunit 5"))).hasMessage("bad header or framing");
        assertThatThrownBy(() -> codec.decode(signed("v1\nr\nsoon\n"))).hasMessage("bad timestamp");
        assertThatThrownBy(() -> codec.decode(signed("v1\nr\n1\nunit/1 5\n"))).hasMessageContaining("bad pair");
        assertThatThrownBy(() -> codec.decode(signed("v1\nr\n1\nunit 0\n"))).hasMessageContaining("bad pair");
        assertThatThrownBy(() -> codec.decode(signed("v1\nr\n1\nunit x\n"))).hasMessageContaining("bad seq");
        assertThatThrownBy(() -> codec.decode(signed("v1\nr\n1\nnospace\n"))).hasMessageContaining("bad pair");
    }

    @Test
    void fiveHundredLongestPairsFitInOneMessage() {
        List<SequenceSyncCodec.Pair> many = new ArrayList<>();
        for (int i = 0; i < ReplicaSequenceSync.MAX_PAIRS; i++) {
            many.add(new SequenceSyncCodec.Pair("u".repeat(60) + String.format("%04d", i), Long.MAX_VALUE - i));
        }
        byte[] payload = codec.encode("maskgate-service-1", System.currentTimeMillis(), many);
        assertThat(payload.length).isLessThanOrEqualTo(SequenceSyncCodec.MAX_PAYLOAD);
        assertThat(codec.decode(payload).pairs()).containsExactlyElementsOf(many);
    }

    /** A body signed with the right key, to reach the checks behind the signature. */
    private byte[] signed(String body) {
        // encode() only writes well-formed bodies, so sign this one directly with the derived key
        byte[] mac = io.maskgate.protocol.Signer.hmac(new SecretCipher(master).deriveKey(ReplicaSequenceSync.KEY_PURPOSE),
                body.getBytes(StandardCharsets.UTF_8));
        return (java.util.Base64.getEncoder().encodeToString(mac) + "\n" + body).getBytes(StandardCharsets.UTF_8);
    }
}
