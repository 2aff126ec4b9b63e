package io.maskgate.protocol.vectors;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;

/**
 * One test vector as stored in protocol/test-vectors/*.json (format documented in protocol/README.md).
 * {@code door} is only used by command cases, {@code seen} by command and frame cases; {@code lastSeq} only by
 * decision cases, {@code held} only by frame cases.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
@JsonPropertyOrder({"name", "kind", "topic", "door", "key", "enabled", "payload", "now", "lastSeq", "seen",
        "maxAgeMs", "maxAheadMs", "expect", "reason", "held"})
public record VectorCase(String name, String kind, String topic, String door, String key, boolean enabled,
                         String payload, long now, Long lastSeq, List<String> seen, long maxAgeMs, long maxAheadMs,
                         String expect, String reason,
                         @JsonInclude(JsonInclude.Include.NON_NULL) Held held) {

    /** The vectors of the other kinds, which hold no decision. */
    public VectorCase(String name, String kind, String topic, String door, String key, boolean enabled,
                      String payload, long now, Long lastSeq, List<String> seen, long maxAgeMs, long maxAheadMs,
                      String expect, String reason) {
        this(name, kind, topic, door, key, enabled, payload, now, lastSeq, seen, maxAgeMs, maxAheadMs, expect,
                reason, null);
    }

    /**
     * Frame cases: the decision the service holds for the frame's unit (null: none), i.e. its seq, door and
     * score; {@code seen} lists the seqs (as strings) whose frames already arrived.
     */
    public record Held(long seq, String doorId, int score) {
    }
}
