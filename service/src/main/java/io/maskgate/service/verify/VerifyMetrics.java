package io.maskgate.service.verify;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Re-verification meters. Every frame received ends in exactly one of: rejected (by reason), unverified (by
 * reason: QUEUE_FULL, NO_MODEL, FAILED, ...) or verified (in time or late), so
 * {@code received = rejected + unverified + verified} once the queue is empty.
 */
public class VerifyMetrics {

    private final MeterRegistry registry;
    private final Counter received;
    private final Map<String, Counter> rejected = new ConcurrentHashMap<>();
    private final Map<String, Counter> unverified = new ConcurrentHashMap<>();
    private final Map<String, Counter> verified = new ConcurrentHashMap<>();
    private final Map<String, Counter> decisions = new ConcurrentHashMap<>();
    private final Map<String, Counter> compared = new ConcurrentHashMap<>();
    private final Map<String, Counter> disagreed = new ConcurrentHashMap<>();
    private final Map<String, Counter> floatModels = new ConcurrentHashMap<>();
    private final Timer latency;
    private final Counter storeDropped;

    public VerifyMetrics(MeterRegistry registry) {
        this.registry = registry;
        received = Counter.builder("maskgate.frames.received").description("frame uploads received")
                .register(registry);
        latency = Timer.builder("maskgate.verify.latency")
                .description("frame arrival to float verdict (queue wait + preprocessing + inference)")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(10)).register(registry);
        storeDropped = Counter.builder("maskgate.verify.store.dropped")
                .description("verification rows or frames not written: the store queue was full").register(registry);
    }

    /** Publishes the verifier queue's depth. */
    public void queueDepth(Supplier<Number> depth) {
        Gauge.builder("maskgate.verify.queue.depth", depth).description("crops waiting for or in the float model")
                .register(registry);
    }

    public void received() {
        received.increment();
    }

    public void rejected(String reason) {
        rejected.computeIfAbsent(reason, r -> Counter.builder("maskgate.frames.rejected").tag("reason", r)
                .register(registry)).increment();
    }

    public void unverified(String reason) {
        unverified.computeIfAbsent(reason, r -> Counter.builder("maskgate.frames.unverified").tag("reason", r)
                .register(registry)).increment();
    }

    /** A float verdict; {@code timing} IN_TIME, LATE (after its door's deadline) or RECORDED (not enforced). */
    public void verified(String timing, long latencyNanos) {
        verified.computeIfAbsent(timing, t -> Counter.builder("maskgate.frames.verified").tag("timing", t)
                .register(registry)).increment();
        latency.record(Duration.ofNanos(latencyNanos));
    }

    /** The outcome of an ENFORCE_VERIFIED uncertain decision: FLOAT, LATE, NO_FRAME, UNVERIFIED. */
    public void enforcedDecision(String outcome) {
        decisions.computeIfAbsent(outcome, o -> Counter.builder("maskgate.verify.decisions").tag("outcome", o)
                .register(registry)).increment();
    }

    /** int8 vs float label on one crop; the disagreement rate per model version and unit is disagreed / compared. */
    public void compared(String modelVersion, String unitId, boolean disagree) {
        String key = modelVersion + '\n' + unitId;
        compared.computeIfAbsent(key, k -> Counter.builder("maskgate.verify.compared").tag("model", modelVersion)
                .tag("unit", unitId).register(registry)).increment();
        Counter d = disagreed.computeIfAbsent(key, k -> Counter.builder("maskgate.verify.disagreements")
                .tag("model", modelVersion).tag("unit", unitId).register(registry));
        if (disagree) {
            d.increment();
        }
    }

    /** Where a float model came from: {@code registry} or {@code folder}. */
    public void floatModelSource(String source) {
        floatModels.computeIfAbsent("source:" + source, k -> Counter.builder("maskgate.verify.float_models.loaded")
                .description("float models provided for loading, by source").tag("source", source)
                .register(registry)).increment();
    }

    /** A float model zip in the registry that cannot be used (zip-slip, oversize, no saved_model.pb, ...). */
    public void floatModelRefused(String reason) {
        floatModels.computeIfAbsent("refused:" + reason, k -> Counter.builder("maskgate.verify.float_models.refused")
                .description("registry float model zips refused, by reason").tag("reason", reason)
                .register(registry)).increment();
    }

    public double floatModelRefusedCount(String reason) {
        Counter c = floatModels.get("refused:" + reason);
        return c == null ? 0 : c.count();
    }

    public double floatModelSourceCount(String source) {
        Counter c = floatModels.get("source:" + source);
        return c == null ? 0 : c.count();
    }

    public void storeDropped() {
        storeDropped.increment();
    }

    public double receivedCount() {
        return received.count();
    }

    public double rejectedCount(String reason) {
        Counter c = rejected.get(reason);
        return c == null ? 0 : c.count();
    }

    public double rejectedTotal() {
        return rejected.values().stream().mapToDouble(Counter::count).sum();
    }

    public double unverifiedCount(String reason) {
        Counter c = unverified.get(reason);
        return c == null ? 0 : c.count();
    }

    public double unverifiedTotal() {
        return unverified.values().stream().mapToDouble(Counter::count).sum();
    }

    public double verifiedTotal() {
        return verified.values().stream().mapToDouble(Counter::count).sum();
    }

    public double verifiedCount(String timing) {
        Counter c = verified.get(timing);
        return c == null ? 0 : c.count();
    }

    public Timer latency() {
        return latency;
    }
}
