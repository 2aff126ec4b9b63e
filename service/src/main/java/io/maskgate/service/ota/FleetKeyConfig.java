package io.maskgate.service.ota;

import io.maskgate.protocol.FleetKey;
import io.maskgate.service.config.MaskGateProperties;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.core.env.Profiles;
import org.springframework.util.StringUtils;

/**
 * The fleet's Ed25519 manifest key: {@code MASKGATE_OTA_FLEET_KEY} (base64url 32-byte seed) or
 * {@code MASKGATE_OTA_FLEET_KEY_FILE}. Like the master key, only the zero-setup default (embedded database) and the
 * demo/dev profiles may generate one, into {@code <data-dir>/fleet.key}; with a configured database and no key the
 * service runs without OTA (see {@link FleetKeys}). Units are provisioned with the public half
 * ({@code GET /api/ota/fleet-key}).
 */
@Configuration(proxyBeanMethods = false)
class FleetKeyConfig {

    private static final Logger log = LoggerFactory.getLogger(FleetKeyConfig.class);

    @Bean
    FleetKeys fleetKeys(OtaProperties ota, MaskGateProperties properties, Environment environment) {
        return new FleetKeys(fleetKey(ota, properties, environment));
    }

    private static FleetKey fleetKey(OtaProperties ota, MaskGateProperties properties, Environment environment) {
        if (StringUtils.hasText(ota.fleetKey())) {
            return FleetKey.parseSeed(ota.fleetKey());
        }
        if (StringUtils.hasText(ota.fleetKeyFile())) {
            return read(Path.of(ota.fleetKeyFile()));
        }
        boolean embedded = !StringUtils.hasText(environment.getProperty("spring.datasource.url"));
        boolean dev = environment.acceptsProfiles(Profiles.of("demo", "dev"));
        Path file = properties.dataDir().resolve("fleet.key").toAbsolutePath().normalize();
        if (Files.exists(file)) {
            return read(file);
        }
        if (!embedded && !dev) {
            log.warn("No fleet key (MASKGATE_OTA_FLEET_KEY / MASKGATE_OTA_FLEET_KEY_FILE): model publishing and "
                    + "rollouts are off");
            return null;
        }
        FleetKey key = FleetKey.generate();
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, key.seedBase64Url() + "\n");
            try {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException ignored) {
                // non-POSIX file system
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the generated fleet key " + file, e);
        }
        log.warn("Generated a fleet manifest key in {} (zero-setup/dev only); public key {}", file,
                key.publicBase64Url());
        return key;
    }

    private static FleetKey read(Path file) {
        try {
            return FleetKey.parseSeed(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the fleet key file " + file, e);
        }
    }
}
