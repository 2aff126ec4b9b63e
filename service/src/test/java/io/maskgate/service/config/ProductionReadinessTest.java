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
                + "MASKGATE_MASTER_KEY_FILE)", "HTTPS (MASKGATE_HTTPS_KEYSTORE, or MASKGATE_HTTPS_BEHIND_TLS_PROXY=true "
                + "when a TLS-terminating proxy is in front)");
        env.setProperty("maskgate.security.master-key-file", "/run/secrets/master.key");
        env.setProperty("maskgate.https.key-store", "/run/secrets/https.p12");
        assertThat(ProductionReadiness.missing(env)).isEmpty();
    }

    @Test
    void productionRefusesPlainHttpUnlessATlsProxyIsDeclared() {
        MockEnvironment env = new MockEnvironment().withProperty("spring.datasource.url", "jdbc:postgresql://db/x")
                .withProperty("maskgate.mqtt.url", "ssl://broker:8883")
                .withProperty("maskgate.security.master-key-file", "/run/secrets/master.key");
        env.setActiveProfiles("prod");
        assertThat(ProductionReadiness.missing(env)).singleElement().asString().contains("MASKGATE_HTTPS_KEYSTORE");
        env.setProperty("maskgate.https.behind-tls-proxy", "true");
        assertThat(ProductionReadiness.missing(env)).isEmpty();
        env.setProperty("maskgate.https.behind-tls-proxy", "false");
        env.setProperty("server.ssl.key-store", "file:/run/secrets/https.p12");
        assertThat(ProductionReadiness.missing(env)).as("Spring Boot's own server.ssl.* counts too").isEmpty();
        // a CLI tool without a web server serves nothing over HTTP
        MockEnvironment cli = new MockEnvironment().withProperty("spring.datasource.url", "jdbc:postgresql://db/x")
                .withProperty("maskgate.mqtt.url", "ssl://broker:8883")
                .withProperty("maskgate.security.master-key-file", "/run/secrets/master.key")
                .withProperty("spring.main.web-application-type", "none");
        cli.setActiveProfiles("prod");
        assertThat(ProductionReadiness.missing(cli)).isEmpty();
        // without the prod profile (demo, zero-setup) plain HTTP stays allowed
        env.setActiveProfiles();
        env.setProperty("server.ssl.key-store", "");
        assertThat(ProductionReadiness.missing(env)).isEmpty();
    }

    @Test
    void zeroSetupWithoutProdProfileNeedsNothing() {
        MockEnvironment env = new MockEnvironment();
        assertThat(ProductionReadiness.isProduction(env)).isFalse();
        env.setActiveProfiles("prod");
        assertThat(ProductionReadiness.isProduction(env)).isTrue();
        assertThat(ProductionReadiness.missing(env)).hasSize(4);
    }
}
