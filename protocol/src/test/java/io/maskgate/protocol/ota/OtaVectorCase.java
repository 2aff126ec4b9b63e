package io.maskgate.protocol.ota;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * One case of protocol/test-vectors/ota/*.json (format in protocol/README.md). kind {@code manifest}: verify
 * {@code payload} as a manifest under {@code key} (the fleet public key); kind {@code ota}: verify {@code payload}
 * as the OTA command unit {@code unit} (HMAC key {@code key}) received on {@code topic} at {@code now}; kinds
 * {@code ota-fetch} / {@code ota-report} with expect {@code sign}: {@code payload} is what the unit must send, signed
 * with {@code key}; kind {@code ota-chunk}: decode {@code payload} as a chunk.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
@JsonPropertyOrder({"name", "kind", "unit", "topic", "key", "payload", "now", "expect", "reason"})
public record OtaVectorCase(String name, String kind, String unit, String topic, String key, String payload,
                            long now, String expect, String reason) {
}
