package io.maskgate.protocol;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HMAC-SHA256 signing and constant-time verification of {@link SignedMessage}s over their canonical UTF-8 form.
 * Mac instances are cached per thread: the service verifies thousands of decisions per second.
 */
public final class Signer {

    private static final String ALGORITHM = "HmacSHA256";
    private static final HexFormat HEX = HexFormat.of();
    private static final ThreadLocal<Mac> MAC = ThreadLocal.withInitial(() -> {
        try {
            return Mac.getInstance(ALGORITHM);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
        }
    });

    private Signer() {
    }

    /** Lowercase hex HMAC-SHA256 of the UTF-8 bytes of {@code text}. */
    public static String hmacHex(HmacKey key, String text) {
        return HEX.formatHex(hmac(key, text.getBytes(StandardCharsets.UTF_8)));
    }

    /** The message with its signature set. */
    public static <T extends SignedMessage<T>> T sign(T message, HmacKey key) {
        return message.withSig(hmacHex(key, message.canonical()));
    }

    /** True when {@code message.sig()} is the HMAC of its canonical form under {@code key} (constant time). */
    public static boolean verify(SignedMessage<?> message, HmacKey key) {
        String sig = message.sig();
        if (sig == null) {
            return false;
        }
        byte[] expected = hmacHex(key, message.canonical()).getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(expected, sig.getBytes(StandardCharsets.UTF_8));
    }

    /** Raw HMAC-SHA256 of {@code data} (per-thread cached Mac), for signed formats other than messages. */
    public static byte[] hmac(HmacKey key, byte[] data) {
        Mac mac = MAC.get();
        try {
            mac.init(new SecretKeySpec(key.rawView(), ALGORITHM));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot initialise HmacSHA256", e);
        }
        return mac.doFinal(data);
    }
}
