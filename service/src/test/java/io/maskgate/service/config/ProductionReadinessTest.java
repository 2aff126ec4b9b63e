package io.maskgate.service.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.maskgate.service.MaskGateApplication;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.mock.env.MockEnvironment;

/**
 * Production must not fall back to the zero-setup defaults (embedded PostgreSQL, in-process broker, generated
 * master key): with the {@code prod} profile and any of database, broker or master key missing the service
 * refuses to start, with one line saying what is missing.
 */
class ProductionReadinessTest {

    @Test
    void prodProfileWithNothingConfiguredRefusesToStartWithOneLineReason() throws Exception {
        Path dir = Files.createTempDirectory("maskgate-prod-");
        SpringApplicationBuilder app = new SpringApplicationBuilder(MaskGateApplication.class)
                .web(WebApplicationType.NONE).profiles("prod");
        assertThatThrownBy(() -> app.run("--maskgate.data-dir=" + dir, "--spring.datasource.url=",
                "--maskgate.mqtt.url=", "--maskgate.security.master-key=", "--maskgate.security.master-key-file="))
                .satisfies(e -> {
                    Throwable root = e;
                    while (root.getCause() != null) {
                        root = root.getCause();
                    }
                    assertThat(root).isInstanceOf(ProductionReadiness.NotReadyException.class);
                    assertThat(root.getMessage()).doesNotContain("\n")
                            .contains("SPRING_DATASOURCE_URL", "MASKGATE_MQTT_URL", "MASKGATE_MASTER_KEY");
                });
        assertThat(dir.resolve("postgres")).as("no embedded database was started").doesNotExist();
        assertThat(dir.resolve("master.key")).as("no master key was generated").doesNotExist();
    }

    @Test
    void namesExactlyWhatIsMissing() {
        MockEnvironment env = new MockEnvironment().withProperty("spring.datasource.url", "jdbc:postgresql://db/x")
                .withProperty("maskgate.mqtt.url", "ssl://broker:8883");
        env.setActiveProfiles("prod");
        assertThat(ProductionReadiness.missing(env)).containsExactly("a master key (MASKGATE_MASTER_KEY or "
                + "MASKGATE_MASTER_KEY_FILE)");
        env.setProperty("maskgate.security.master-key-file", "/run/secrets/master.key");
        assertThat(ProductionReadiness.missing(env)).isEmpty();
    }

    @Test
    void zeroSetupWithoutProdProfileNeedsNothing() {
        MockEnvironment env = new MockEnvironment();
        assertThat(ProductionReadiness.isProduction(env)).isFalse();
        env.setActiveProfiles("prod");
        assertThat(ProductionReadiness.isProduction(env)).isTrue();
        assertThat(ProductionReadiness.missing(env)).hasSize(3);
    }
}
