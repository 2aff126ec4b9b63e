package io.maskgate.service.event;

import java.time.Instant;

/** Filters of an events query; every field is optional. */
public record EventQuery(String doorId, String unitId, Instant from, Instant to, String outcome, EventKind kind) {
}
