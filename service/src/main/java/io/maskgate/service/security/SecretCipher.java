package io.maskgate.service.security;

import io.maskgate.protocol.HmacKey;
import io.maskgate.protocol.Signer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts stored key material (unit HMAC keys, door actuator keys) with AES-256-GCM under the master key.
 * These keys cannot be hashed because verifying an HMAC needs the raw key. The owner id is bound in as
 * associated data, so a ciphertext copied onto another row fails to decrypt.
 */
public final class SecretCipher {

    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKeySpec masterKey;

    public SecretCipher(byte[] masterKey) {
        if (masterKey == null || masterKey.length != 32) {
            throw new IllegalArgumentException("the master key must be 32 bytes");
        }
        this.masterKey = new SecretKeySpec(masterKey, "AES");
    }

    /** nonce || ciphertext+tag of {@code secret}, bound to {@code owner} (e.g. "unit:u-1"). */
    public byte[] encrypt(byte[] secret, String owner) {
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, masterKey, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(owner.getBytes(StandardCharsets.UTF_8));
            byte[] sealed = cipher.doFinal(secret);
            return ByteBuffer.allocate(NONCE_BYTES + sealed.length).put(nonce).put(sealed).array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM encryption failed", e);
        }
    }

    /**
     * A 32-byte key for {@code purpose} derived from the master key (HMAC-SHA256 of the purpose), so replicas
     * sharing the master key share the derived key without the master key itself being used twice.
     */
    public HmacKey deriveKey(String purpose) {
        return HmacKey.ofBytes(Signer.hmac(HmacKey.ofBytes(masterKey.getEncoded()),
                ("maskgate derived key: " + purpose).getBytes(StandardCharsets.UTF_8)));
    }

    /** The secret, or an exception when the data was not sealed for {@code owner} under this master key. */
    public byte[] decrypt(byte[] stored, String owner) {
        if (stored == null || stored.length <= NONCE_BYTES) {
            throw new IllegalArgumentException("stored secret of " + owner + " is truncated");
        }
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, masterKey, new GCMParameterSpec(TAG_BITS, stored, 0, NONCE_BYTES));
            cipher.updateAAD(owner.getBytes(StandardCharsets.UTF_8));
            return cipher.doFinal(stored, NONCE_BYTES, stored.length - NONCE_BYTES);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot decrypt the stored secret of " + owner
                    + " (wrong master key?)", e);
        }
    }
}
