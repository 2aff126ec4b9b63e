package io.maskgate.service.security;

import io.maskgate.service.config.MaskGateProperties;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.context.annotation.Profile;
import org.springframework.stereotype.Component;

/**
 * Demo profile only: creates an admin and an operator with random passwords, prints them, and writes them to
 * {@code <data-dir>/demo-credentials.txt} (outside git) so the demo tooling can log in.
 */
@Component
@Profile("demo")
class DemoCredentials implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(DemoCredentials.class);

    private final UserAccounts accounts;
    private final Path dataDir;

    DemoCredentials(UserAccounts accounts, MaskGateProperties properties) {
        this.accounts = accounts;
        this.dataDir = properties.dataDir();
    }

    @Override
    public void run(ApplicationArguments args) throws IOException {
        Path file = dataDir.resolve("demo-credentials.txt").toAbsolutePath().normalize();
        if (accounts.exists("demo-admin") && Files.exists(file)) {
            log.info("Demo credentials (unchanged): {}", file);
            return;
        }
        accounts.delete("demo-admin");
        accounts.delete("demo-operator");
        String adminPassword = randomPassword();
        String operatorPassword = randomPassword();
        accounts.create("demo-admin", adminPassword, Role.ADMIN);
        accounts.create("demo-operator", operatorPassword, Role.OPERATOR);
        Files.createDirectories(file.getParent());
        // live passwords: owner-only from the moment the file exists (not chmod after writing)
        Files.deleteIfExists(file);
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException nonPosix) {
            Files.createFile(file);
        }
        Files.writeString(file, "demo-admin " + adminPassword + "\ndemo-operator " + operatorPassword + "\n");
        log.warn("DEMO credentials: demo-admin / {}   demo-operator / {}   (also in {})", adminPassword,
                operatorPassword, file);
    }

    private static String randomPassword() {
        byte[] b = new byte[12];
        new SecureRandom().nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
