package io.maskgate.service.model;

import java.time.Instant;

/**
 * A registered model version without its bytes.
 *
 * @param accuracy validation accuracy in percent measured by the gate (null when it never ran that far)
 * @param manifest the fleet-signed manifest JSON (null unless the gate passed)
 */
public record ModelVersion(String version, String sha256, long sizeBytes, ModelStatus status, Double accuracy,
                           String labels, Instant createdAt, String createdBy, String statusReason,
                           boolean hasFloatModel, String manifest) {
}
