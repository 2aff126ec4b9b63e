package io.maskgate.protocol.vectors;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;

/**
 * One test vector as stored in protocol/test-vectors/*.json (format documented in protocol/README.md).
 * {@code door} and {@code seen} are only used by command cases; {@code lastSeq} only by decision cases.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
@JsonPropertyOrder({"name", "kind", "topic", "door", "key", "enabled", "payload", "now", "lastSeq", "seen",
        "maxAgeMs", "maxAheadMs", "expect", "reason"})
public record VectorCase(String name, String kind, String topic, String door, String key, boolean enabled,
                         String payload, long now, Long lastSeq, List<String> seen, long maxAgeMs, long maxAheadMs,
                         String expect, String reason) {
}
