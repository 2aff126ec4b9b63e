package io.maskgate.protocol;

import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;

/**
 * A 32-byte HMAC-SHA256 key (one per unit, one per door actuator). Held as raw bytes; handed out as unpadded
 * base64url text. {@link #toString()} never prints the secret.
 */
public final class HmacKey {

    /** Key length in bytes. */
    public static final int LENGTH = 32;

    private final byte[] bytes;

    private HmacKey(byte[] bytes) {
        this.bytes = bytes;
    }

    /** Wraps a copy of exactly {@link #LENGTH} raw bytes. */
    public static HmacKey ofBytes(byte[] raw) {
        if (raw == null || raw.length != LENGTH) {
            throw new IllegalArgumentException("an HMAC key must be exactly " + LENGTH + " bytes, got "
                    + (raw == null ? "null" : raw.length));
        }
        return new HmacKey(raw.clone());
    }

    /**
     * Parses base64url text (padding optional; surrounding whitespace ignored). Standard-alphabet '+' '/' are
     * refused so a key copied from the wrong tool fails loudly instead of silently differing.
     */
    public static HmacKey parse(String base64url) {
        if (base64url == null) {
            throw new IllegalArgumentException("key is missing");
        }
        String text = base64url.strip();
        byte[] raw;
        try {
            raw = Base64.getUrlDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("key is not base64url text (alphabet A-Z a-z 0-9 - _)");
        }
        if (raw.length != LENGTH) {
            throw new IllegalArgumentException("key must decode to " + LENGTH + " bytes, got " + raw.length);
        }
        return new HmacKey(raw);
    }

    /** Unpadded base64url of the raw bytes (43 characters). */
    public String toBase64Url() {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** A copy of the raw bytes. */
    public byte[] bytes() {
        return bytes.clone();
    }

    byte[] rawView() {
        return bytes;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HmacKey other && MessageDigest.isEqual(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return "HmacKey[redacted]";
    }
}
