package io.maskgate.service.lifesafety;

import io.maskgate.service.config.MaskGateProperties;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The fire-alarm input ({@code maskgate.life-safety.*}): which panel the service listens to and the panel's own key
 * (base64url of 32 bytes, from the environment or a file, never a unit's or a door's). No key: no input.
 *
 * @param maxAge       an alarm message older (or further ahead) than this is refused as stale
 * @param resendEvery  while an alarm is active, the UNLOCK of each released door is sent again this often (a
 *                     command expires; the release must not)
 */
@ConfigurationProperties("maskgate.life-safety")
public record LifeSafetyProperties(String panelId, String panelKey, String panelKeyFile, Duration maxAge,
                                   Duration resendEvery) {

    /** The panel key (it signs the alarm messages that release doors) never appears in logs or error messages. */
    @Override
    public String toString() {
        return "LifeSafetyProperties[panelId=" + panelId + ", panelKey=" + MaskGateProperties.Secrets.mask(panelKey)
                + ", panelKeyFile=" + panelKeyFile + ", maxAge=" + maxAge + ", resendEvery=" + resendEvery + "]";
    }
}
