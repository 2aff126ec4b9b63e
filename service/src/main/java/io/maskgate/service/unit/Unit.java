package io.maskgate.service.unit;

import java.time.Instant;

/** A registered door unit as shown by the API (never carries its key). */
public record Unit(String id, String name, String doorId, boolean enabled, long lastSeq, Instant createdAt) {
}
