package io.maskgate.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class SignerAndKeysTest {

    /** Key 0x00..0x1f; expected HMAC computed independently with `openssl dgst -sha256 -mac HMAC`. */
    static final HmacKey KEY = HmacKey.ofBytes(HexFormat.of().parseHex(
            "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"));

    @Test
    void canonicalFormIsTheContractExample() {
        Decision d = Decision.unsigned("unit-7", "door-1", 42, 1_764_070_000_000L, Label.MASK, 913, "tiny-v1");
        assertEquals("decision\n1\nunit-7\ndoor-1\n42\n1764070000000\nMASK\n913\ntiny-v1", d.canonical());
        CommandAck ack = CommandAck.unsigned("c-1", "door-1", AckStatus.DONE, null, 5);
        assertEquals("ack\n1\nc-1\ndoor-1\nDONE\n\n5", ack.canonical());
    }

    @Test
    void hmacMatchesAnIndependentImplementation() {
        String canonical = "decision\n1\nunit-7\ndoor-1\n42\n1764070000000\nMASK\n913\ntiny-v1";
        assertEquals(OPENSSL_HMAC, Signer.hmacHex(KEY, canonical));
    }

    static final String OPENSSL_HMAC = "dd9db7b03411812d73599c136dde803df8df0a1c264ca379a1076a85ebd20b3d";

    @Test
    void signVerifyAndTamper() {
        Decision signed = Signer.sign(Decision.unsigned("u", "d", 1, 0, Label.MASK, 900, "m"), KEY);
        assertTrue(Signer.verify(signed, KEY));
        assertFalse(Signer.verify(signed, Keys.generate()));
        assertFalse(Signer.verify(new Decision(1, "u", "d", 1, 0, Label.MASK, 901, "m", signed.sig()), KEY));
        assertFalse(Signer.verify(signed.withSig(null), KEY));
    }

    @Test
    void keysAreBase64Url32BytesAndNeverPrinted() {
        HmacKey k = Keys.generate();
        String text = k.toBase64Url();
        assertEquals(43, text.length());
        assertTrue(text.matches("[A-Za-z0-9_-]{43}"));
        assertEquals(k, Keys.parse(text));
        assertEquals(k, Keys.parse(" " + text + "=\n"));
        assertNotEquals(k, Keys.generate());
        assertFalse(k.toString().contains(text));
        assertThrows(IllegalArgumentException.class, () -> Keys.parse("c2hvcnQ"));
        assertThrows(IllegalArgumentException.class, () -> Keys.parse("+/+/" + text.substring(4)));
        assertThrows(IllegalArgumentException.class, () -> Keys.parse(null));
        assertThrows(IllegalArgumentException.class, () -> HmacKey.ofBytes(new byte[16]));
    }
}
