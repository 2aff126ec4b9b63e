package io.maskgate.service.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;

import io.maskgate.service.config.MaskGateProperties;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.boot.DefaultApplicationArguments;

/** The demo credentials file holds live passwords: only its owner may read it. */
class DemoCredentialsTest {

    @Test
    void credentialsFileIsOwnerOnly() throws Exception {
        Path dir = Files.createTempDirectory("maskgate-demo-");
        MaskGateProperties props = new MaskGateProperties(dir, null, null, null, null, null, null, null);
        new DemoCredentials(mock(UserAccounts.class), props).run(new DefaultApplicationArguments());
        Path file = dir.resolve("demo-credentials.txt");
        assertThat(file).exists();
        assertThat(Files.getPosixFilePermissions(file))
                .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
    }
}
