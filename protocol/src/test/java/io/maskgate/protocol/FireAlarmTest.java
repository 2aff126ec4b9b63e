package io.maskgate.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class FireAlarmTest {

    @Test
    void signedAlarmRoundTripsAndATamperedOneDoesNotVerify() throws Exception {
        HmacKey key = Keys.generate();
        MessageCodec codec = new MessageCodec();
        FireAlarm signed = Signer.sign(FireAlarm.unsigned("panel-1", 7, true, 1_800_000_000_000L), key);
        FireAlarm decoded = codec.decode(codec.encode(signed), FireAlarm.class);
        assertEquals(signed, decoded);
        assertTrue(Signer.verify(decoded, key));
        assertFalse(Signer.verify(decoded, Keys.generate()));
        FireAlarm cleared = new FireAlarm(decoded.v(), decoded.panelId(), decoded.seq(), false, decoded.at(),
                decoded.sig());
        assertFalse(Signer.verify(cleared, key), "flipping active breaks the signature");
        assertEquals("maskgate/v1/alarms/panel-1/fire", Topics.fireAlarm("panel-1"));
        assertEquals(Optional.of("panel-1"), Topics.panelIdOf("maskgate/v1/alarms/panel-1/fire"));
        assertThrows(IllegalArgumentException.class, () -> FireAlarm.unsigned("bad id", 1, true, 0));
        assertThrows(IllegalArgumentException.class, () -> FireAlarm.unsigned("p", 0, true, 0));
    }
}
