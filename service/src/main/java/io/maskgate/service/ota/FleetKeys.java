package io.maskgate.service.ota;

import io.maskgate.protocol.FleetKey;
import java.util.Optional;

/**
 * The fleet's manifest key, if one is configured. Without one the service runs as before but cannot publish models
 * or roll them out: a production deployment never gets a key generated behind its back.
 */
public final class FleetKeys {

    private final FleetKey key;

    public FleetKeys(FleetKey key) {
        this.key = key;
    }

    public Optional<FleetKey> key() {
        return Optional.ofNullable(key);
    }

    /** The key, or IllegalStateException (503) saying how to configure one. */
    public FleetKey require() {
        if (key == null) {
            throw new IllegalStateException("no fleet key configured: set MASKGATE_OTA_FLEET_KEY (base64url of a "
                    + "32-byte Ed25519 seed) or MASKGATE_OTA_FLEET_KEY_FILE to publish and roll out models");
        }
        return key;
    }
}
