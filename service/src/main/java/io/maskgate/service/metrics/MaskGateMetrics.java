package io.maskgate.service.metrics;

import io.maskgate.protocol.RejectReason;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.springframework.stereotype.Component;

/**
 * The service's own meters, created once so the hot path only increments (no registry lookups per decision).
 * Names as exported at /actuator/prometheus: maskgate_decisions_total{outcome,reason},
 * maskgate_verdicts_total{outcome,reason}, maskgate_decision_command_latency_seconds (histogram),
 * maskgate_command_ack_latency_seconds (histogram), maskgate_commands_total{result},
 * maskgate_acks_invalid_total{reason}.
 */
@Component
public class MaskGateMetrics {

    private final MeterRegistry registry;
    private final Counter accepted;
    private final Map<RejectReason, Counter> rejected = new EnumMap<>(RejectReason.class);
    private final Map<String, Counter> verdicts = new ConcurrentHashMap<>();
    private final Map<String, Counter> commands = new ConcurrentHashMap<>();
    private final Map<String, Counter> invalidAcks = new ConcurrentHashMap<>();
    private final Timer decisionToCommand;
    private final Timer ackLatency;

    public MaskGateMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.accepted = Counter.builder("maskgate.decisions").tag("outcome", "accepted").tag("reason", "none")
                .description("decision messages by outcome and reject reason").register(registry);
        for (RejectReason reason : RejectReason.values()) {
            rejected.put(reason, Counter.builder("maskgate.decisions").tag("outcome", "rejected")
                    .tag("reason", reason.name()).description("decision messages by outcome and reject reason")
                    .register(registry));
        }
        this.decisionToCommand = Timer.builder("maskgate.decision.command.latency")
                .description("from a decision's arrival to its UNLOCK command handed to the broker")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofNanos(50_000))
                .maximumExpectedValue(Duration.ofSeconds(2)).register(registry);
        this.ackLatency = Timer.builder("maskgate.command.ack.latency")
                .description("from a command's first send to the actuator's ack")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofNanos(100_000))
                .maximumExpectedValue(Duration.ofSeconds(30)).register(registry);
    }

    public void decisionAccepted() {
        accepted.increment();
    }

    public void decisionRejected(RejectReason reason) {
        rejected.get(reason).increment();
    }

    /** Count of rejected decisions for one reason (tests and the bench read it). */
    public double rejectedCount(RejectReason reason) {
        return rejected.get(reason).count();
    }

    public double acceptedCount() {
        return accepted.count();
    }

    public void verdict(String outcome, String reason) {
        verdicts.computeIfAbsent(outcome + '|' + reason, k -> Counter.builder("maskgate.verdicts")
                .tag("outcome", outcome).tag("reason", reason).description("door policy verdicts")
                .register(registry)).increment();
    }

    /** result: sent, retried, acked, rejected, no_ack, publish_failed, no_key. */
    public void command(String result) {
        commands.computeIfAbsent(result, r -> Counter.builder("maskgate.commands").tag("result", r)
                .description("actuator commands by result").register(registry)).increment();
    }

    public void invalidAck(String reason) {
        invalidAcks.computeIfAbsent(reason, r -> Counter.builder("maskgate.acks.invalid").tag("reason", r)
                .description("acks refused or not matching a pending command").register(registry)).increment();
    }

    public void decisionToCommand(long nanos) {
        decisionToCommand.record(nanos, TimeUnit.NANOSECONDS);
    }

    public void ackLatency(long nanos) {
        ackLatency.record(nanos, TimeUnit.NANOSECONDS);
    }

    public Timer decisionToCommandTimer() {
        return decisionToCommand;
    }
}
