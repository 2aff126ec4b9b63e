package io.maskgate.service.door;

import java.time.Instant;

/** A door with an actuator, as shown by the API (never carries the actuator key). */
public record Door(String id, String name, DoorPolicy policy, Instant createdAt) {
}
