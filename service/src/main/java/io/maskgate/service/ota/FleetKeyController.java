package io.maskgate.service.ota;

import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** The fleet's public manifest key, for provisioning units (public information). */
@RestController
class FleetKeyController {

    private final FleetKeys fleetKeys;

    FleetKeyController(FleetKeys fleetKeys) {
        this.fleetKeys = fleetKeys;
    }

    @GetMapping("/api/ota/fleet-key")
    Map<String, String> fleetKey() {
        return Map.of("algorithm", "Ed25519", "publicKey", fleetKeys.require().publicBase64Url());
    }
}
