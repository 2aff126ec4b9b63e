package io.maskgate.service.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

class SecretCipherTest {

    private static byte[] random(int n) {
        byte[] b = new byte[n];
        new SecureRandom().nextBytes(b);
        return b;
    }

    @Test
    void roundTripsAndNeverStoresThePlainKey() {
        SecretCipher cipher = new SecretCipher(random(32));
        byte[] secret = random(32);
        byte[] sealed = cipher.encrypt(secret, "unit:u1");
        assertThat(sealed).hasSize(12 + 32 + 16);
        assertThat(new String(sealed, java.nio.charset.StandardCharsets.ISO_8859_1))
                .doesNotContain(new String(secret, java.nio.charset.StandardCharsets.ISO_8859_1));
        assertThat(cipher.decrypt(sealed, "unit:u1")).isEqualTo(secret);
        assertThat(cipher.encrypt(secret, "unit:u1")).isNotEqualTo(sealed); // fresh nonce each time
    }

    @Test
    void refusesAnotherOwnerOrAnotherMasterKey() {
        SecretCipher cipher = new SecretCipher(random(32));
        byte[] sealed = cipher.encrypt(random(32), "unit:u1");
        assertThatThrownBy(() -> cipher.decrypt(sealed, "unit:u2")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> new SecretCipher(random(32)).decrypt(sealed, "unit:u1"))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> new SecretCipher(random(16))).isInstanceOf(IllegalArgumentException.class);
    }
}
