package io.maskgate.service.security;

import io.maskgate.service.config.MaskGateProperties;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.core.env.Profiles;
import org.springframework.util.StringUtils;

/**
 * Loads the master key that encrypts stored unit and door keys: {@code MASKGATE_MASTER_KEY} (base64 of 32 bytes)
 * or {@code MASKGATE_MASTER_KEY_FILE}. Only the zero-setup default (embedded database) and the demo/dev profiles
 * may generate one, into {@code <data-dir>/master.key} (outside git); a configured production database without a
 * master key refuses to start rather than invent a key that would be lost.
 */
@Configuration(proxyBeanMethods = false)
class MasterKeyConfig {

    private static final Logger log = LoggerFactory.getLogger(MasterKeyConfig.class);

    @Bean
    SecretCipher secretCipher(MaskGateProperties properties, Environment environment) {
        return new SecretCipher(masterKey(properties, environment));
    }

    static byte[] masterKey(MaskGateProperties properties, Environment environment) {
        MaskGateProperties.Security security = properties.security();
        if (StringUtils.hasText(security.masterKey())) {
            return decode(security.masterKey(), "MASKGATE_MASTER_KEY");
        }
        if (StringUtils.hasText(security.masterKeyFile())) {
            return read(Path.of(security.masterKeyFile()));
        }
        boolean embedded = !StringUtils.hasText(environment.getProperty("spring.datasource.url"));
        boolean dev = environment.acceptsProfiles(Profiles.of("demo", "dev"));
        if (!embedded && !dev) {
            throw new IllegalStateException("No master key: set MASKGATE_MASTER_KEY (base64 of 32 random bytes, "
                    + "e.g. `openssl rand -base64 32`) or MASKGATE_MASTER_KEY_FILE");
        }
        Path file = properties.dataDir().resolve("master.key").toAbsolutePath().normalize();
        if (Files.exists(file)) {
            return read(file);
        }
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, Base64.getEncoder().encodeToString(key) + "\n");
            try {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException ignored) {
                // non-POSIX file system: keep the default permissions
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the generated master key " + file, e);
        }
        log.warn("Generated a local master key in {} (zero-setup/dev only; set MASKGATE_MASTER_KEY in production)",
                file);
        return key;
    }

    private static byte[] read(Path file) {
        try {
            return decode(Files.readString(file), file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the master key file " + file, e);
        }
    }

    private static byte[] decode(String text, String source) {
        String t = text.strip();
        byte[] key;
        try {
            key = t.contains("-") || t.contains("_") ? Base64.getUrlDecoder().decode(t) : Base64.getDecoder().decode(t);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("master key from " + source + " is not base64");
        }
        if (key.length != 32) {
            Arrays.fill(key, (byte) 0);
            throw new IllegalStateException("master key from " + source + " must decode to 32 bytes");
        }
        return key;
    }
}
