package io.maskgate.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class MessageCodecTest {

    private final MessageCodec codec = new MessageCodec();
    private final HmacKey key = Keys.generate();

    @Test
    void everyMessageTypeRoundTrips() throws Exception {
        Decision d = Signer.sign(Decision.unsigned("unit-1", "door-1", 7, 1000, Label.NO_MASK, 120, "tiny-v1"), key);
        assertEquals(d, codec.decodeDecision(codec.encode(d)));
        DoorCommand c = Signer.sign(DoorCommand.unsigned("c-1", "door-1", DoorAction.UNLOCK, 3000, 10, 5010, 1), key);
        assertEquals(c, codec.decodeCommand(codec.encode(c)));
        CommandAck a = Signer.sign(CommandAck.unsigned("c-1", "door-1", AckStatus.REJECTED, "EXPIRED", 20), key);
        assertEquals(a, codec.decodeAck(codec.encode(a)));
        CommandAck done = Signer.sign(CommandAck.unsigned("c-1", "door-1", AckStatus.DONE, null, 20), key);
        assertEquals(done, codec.decodeAck(codec.encode(done)));
        UnitStatus s = UnitStatus.of("unit-1", true, "tiny-v1", 29.5, 3.25, 4, 99);
        assertEquals(s, codec.decodeStatus(codec.encode(s)));
        FrameUpload f = Signer.sign(FrameUpload.unsigned("unit-1", "door-1", 7, 1000, "/9j/4AAQ", 500), key);
        assertEquals(f, codec.decodeFrame(codec.encode(f)));
    }

    @Test
    void writesFieldsInRecordOrder() {
        Decision d = Decision.unsigned("u", "d", 1, 2, Label.MASK, 3, "m").withSig("ab");
        assertEquals("{\"v\":1,\"unitId\":\"u\",\"doorId\":\"d\",\"seq\":1,\"capturedAt\":2,\"label\":\"MASK\","
                + "\"score\":3,\"modelVersion\":\"m\",\"sig\":\"ab\"}", codec.encodeToString(d));
    }

    @Test
    void statusIsStrictToo() {
        assertReason(RejectReason.MALFORMED, "{\"v\":1,\"unitId\":\"u\",\"online\":\"yes\",\"modelVersion\":\"m\","
                + "\"fps\":1,\"inferenceMs\":1,\"queueDepth\":0,\"at\":1}");
        assertReason(RejectReason.MALFORMED, "{\"v\":1,\"unitId\":\"u\",\"online\":true,\"modelVersion\":\"m\","
                + "\"fps\":-1,\"inferenceMs\":1,\"queueDepth\":0,\"at\":1}");
    }

    @Test
    void frameUploadsHaveTheLargerLimit() throws Exception {
        String jpeg = "A".repeat(40_000);
        FrameUpload f = Signer.sign(FrameUpload.unsigned("unit-1", "door-1", 7, 1000, jpeg, 500), key);
        assertEquals(f, codec.decodeFrame(codec.encode(f)));
        String big = "A".repeat(70_000);
        ProtocolException e = assertThrows(ProtocolException.class,
                () -> codec.decodeFrame(("{\"jpegBase64\":\"" + big + "\"}").getBytes(StandardCharsets.UTF_8)));
        assertEquals(RejectReason.OVERSIZE, e.reason());
    }

    private void assertReason(RejectReason expected, String json) {
        ProtocolException e = assertThrows(ProtocolException.class,
                () -> codec.decodeStatus(json.getBytes(StandardCharsets.UTF_8)));
        assertEquals(expected, e.reason(), e.detail());
    }
}
