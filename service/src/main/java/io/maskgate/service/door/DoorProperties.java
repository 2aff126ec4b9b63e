package io.maskgate.service.door;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code maskgate.doors.*}: what a door gets when it is created or its policy is reset without one.
 *
 * @param defaultMinScore minimum mask score (per mille) of the default policy. The default is the shipped model's
 *                        calibrated door threshold (its model card's {@code door.defaultMinScore}, chosen on
 *                        validation data only), because a threshold only means something for one model: v2's 935
 *                        keeps one-frame false unlocks on real unmasked faces below 1 %, v1's old 700 let 20 % in.
 */
@ConfigurationProperties("maskgate.doors")
public record DoorProperties(int defaultMinScore) {

    public DoorProperties {
        if (defaultMinScore < 0 || defaultMinScore > 1000) {
            throw new IllegalArgumentException("maskgate.doors.default-min-score must be 0..1000 (per mille), was "
                    + defaultMinScore);
        }
    }

    /** The policy a new door gets: enforce, this minimum score, 1 of 1, 3 s unlock. */
    public DoorPolicy defaultPolicy() {
        return DoorPolicy.withMinScore(defaultMinScore);
    }
}
