package io.maskgate.protocol;

import java.security.SecureRandom;

/** Key generation and parsing in one place, so every key in the system is 32 random bytes in base64url. */
public final class Keys {

    private static final SecureRandom RANDOM = new SecureRandom();

    private Keys() {
    }

    /** A fresh random key from {@link SecureRandom}. */
    public static HmacKey generate() {
        byte[] raw = new byte[HmacKey.LENGTH];
        RANDOM.nextBytes(raw);
        return HmacKey.ofBytes(raw);
    }

    /** Parses base64url text; see {@link HmacKey#parse(String)}. */
    public static HmacKey parse(String base64url) {
        return HmacKey.parse(base64url);
    }
}
