package io.maskgate.service.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.maskgate.service.config.MaskGateProperties;
import io.maskgate.service.config.MqttEndpoint;
import io.maskgate.service.lifesafety.LifeSafetyProperties;
import io.maskgate.service.ota.OtaProperties;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Configuration records end up in logs and error messages: their secrets must not. */
class SecretsNotInToStringTest {

    @Test
    void configurationRecordsHideTheirSecrets() {
        String secret = "s3cr3t-value-xyz";
        MaskGateProperties props = new MaskGateProperties(null,
                new MaskGateProperties.Mqtt("ssl://b:8883", "svc", secret, "id", "g", null, 1, null, false, null, null,
                        null, new MaskGateProperties.Tls("/ca.pem", "/c.p12", secret)),
                null, null, null, null, null, new MaskGateProperties.Security(secret, null, "admin", secret));
        assertThat(props.toString()).doesNotContain(secret).contains("svc", "admin", "(set)");
        assertThat(new MqttEndpoint("tcp://x:1", "u", secret).toString()).doesNotContain(secret);
    }

    @Test
    void fleetAndPanelKeysAreHidden() {
        // the OTA fleet key signs every model manifest; the panel key makes fire-alarm messages that open doors
        String secret = "s3cr3t-key-xyz";
        assertThat(new OtaProperties(secret, "/fleet.key", null, null, null, null, null).toString())
                .doesNotContain(secret).contains("/fleet.key", "(set)");
        assertThat(new LifeSafetyProperties("panel-1", secret, null, Duration.ofSeconds(5), null).toString())
                .doesNotContain(secret).contains("panel-1", "(set)");
    }
}
