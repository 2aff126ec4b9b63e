package io.maskgate.protocol.ota;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.maskgate.protocol.Limits;
import io.maskgate.protocol.MessageCodec;
import io.maskgate.protocol.OtaChunk;
import io.maskgate.protocol.OtaFetch;
import io.maskgate.protocol.OtaReport;
import io.maskgate.protocol.OtaState;
import io.maskgate.protocol.ProtocolException;
import io.maskgate.protocol.RejectReason;
import io.maskgate.protocol.Topics;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class OtaMessagesTest {

    final MessageCodec codec = new MessageCodec();

    @Test
    void chunkOfTheLargestSizeRoundTripsAndEachTypeHasItsOwnLimit() throws Exception {
        byte[] data = new byte[Limits.MAX_CHUNK_BYTES];
        new Random(1).nextBytes(data);
        OtaChunk chunk = OtaChunk.of("unit-1", "act-1", 0, 100_000, data);
        byte[] payload = codec.encode(chunk);
        assertEquals(chunk, codec.decodeOtaChunk(payload), "a 32 KiB chunk fits its own limit");
        ProtocolException e = assertThrows(ProtocolException.class, () -> codec.decodeOtaFetch(payload));
        assertEquals(RejectReason.OVERSIZE, e.reason(), "the same bytes are far over a fetch's 4 KiB");
        assertArrayEquals(data, codec.decodeOtaChunk(payload).bytes());
    }

    @Test
    void reportAndFetchRoundTripAndRefuseBadFields() throws Exception {
        OtaReport r = OtaReport.unsigned("unit-1", "act-1", OtaState.FAILED, "v2", "v1", "BAD_SIGNATURE", 10, 0, 5).withSig("cd");
        assertEquals(r, codec.decodeOtaReport(codec.encode(r)));
        OtaFetch f = OtaFetch.unsigned("unit-1", "act-1", 16384, 16384, 5).withSig("ab");
        assertEquals(f, codec.decodeOtaFetch(codec.encode(f)));
        String bad = codec.encodeToString(f).replace("\"length\":16384", "\"length\":0");
        assertEquals(RejectReason.MALFORMED, assertThrows(ProtocolException.class,
                () -> codec.decodeOtaFetch(bad.getBytes(StandardCharsets.UTF_8))).reason());
        assertThrows(IllegalArgumentException.class, () -> OtaChunk.of("u", "a", 5, 5, new byte[1]));
    }

    @Test
    void topicsAreUnderTheUnit() {
        assertEquals("maskgate/v1/units/u-1/ota-chunk", Topics.otaChunk("u-1"));
        assertEquals("ota-report", Topics.kindOf(Topics.otaReport("u-1")).orElseThrow());
        assertEquals("u-1", Topics.unitIdOf(Topics.otaFetch("u-1")).orElseThrow());
    }
}
