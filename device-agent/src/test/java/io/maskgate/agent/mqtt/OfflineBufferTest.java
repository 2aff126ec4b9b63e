package io.maskgate.agent.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The offline buffer is bounded in bytes as well as in messages: 10,000 buffered frame uploads (64 KiB each) would
 * be 640 MB on a door unit. When the byte budget is spent the oldest messages go first, as with the count bound.
 */
class OfflineBufferTest {

    private static final int FRAME = 64 * 1024;

    @Test
    void largeMessagesAreBoundedByBytesNotOnlyByCount() throws Exception {
        OfflineBuffer buffer = new OfflineBuffer(10_000);
        for (int i = 0; i < 400; i++) {
            buffer.add(new OfflineBuffer.Outgoing("t/" + i, new byte[FRAME]));
        }
        long heldBytes = (long) buffer.size() * FRAME;
        assertTrue(heldBytes <= 8L << 20, "bytes held after 400 frames (26 MB offered): " + heldBytes);
        assertEquals(400 - buffer.size(), buffer.dropped());
        // the newest survive, the oldest were dropped
        assertEquals("t/" + (400 - buffer.size()), buffer.peek(0, TimeUnit.MILLISECONDS).topic());
    }

    @Test
    void smallMessagesStillUseTheCountBound() {
        OfflineBuffer buffer = new OfflineBuffer(100);
        for (int i = 0; i < 150; i++) {
            buffer.add(new OfflineBuffer.Outgoing("t", new byte[200]));
        }
        assertEquals(100, buffer.size());
        assertEquals(50, buffer.dropped());
    }
}
