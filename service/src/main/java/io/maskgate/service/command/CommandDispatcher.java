package io.maskgate.service.command;

import io.maskgate.protocol.AckStatus;
import io.maskgate.protocol.AckVerifier;
import io.maskgate.protocol.CommandAck;
import io.maskgate.protocol.DoorAction;
import io.maskgate.protocol.DoorCommand;
import io.maskgate.protocol.Freshness;
import io.maskgate.protocol.MessageCodec;
import io.maskgate.protocol.Signer;
import io.maskgate.protocol.Topics;
import io.maskgate.protocol.Verdict;
import io.maskgate.service.config.MaskGateProperties;
import io.maskgate.service.door.DoorRegistry;
import io.maskgate.service.event.CommandRecord;
import io.maskgate.service.event.EventKind;
import io.maskgate.service.event.EventRecord;
import io.maskgate.service.event.EventWriter;
import io.maskgate.service.metrics.MaskGateMetrics;
import jakarta.annotation.PreDestroy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Sends signed, expiring commands to door actuators and follows each one to its ack: no ack within the timeout
 * means a re-send (same command id, attempt + 1, re-signed) up to the bounded number of attempts and only while
 * the command is still valid; then an ALERT event. Fail-secure: when in doubt nothing is sent and the door stays
 * locked; the expiry makes a late delivery useless.
 */
@Component
public class CommandDispatcher {

    private static final Logger log = LoggerFactory.getLogger(CommandDispatcher.class);

    private final class Pending {
        final long firstSentNanos;
        final CommandOrigin origin;
        volatile DoorCommand current;

        Pending(DoorCommand command, CommandOrigin origin, long firstSentNanos) {
            this.current = command;
            this.origin = origin;
            this.firstSentNanos = firstSentNanos;
        }
    }

    private final CommandPublisher publisher;
    private final DoorRegistry doors;
    private final EventWriter events;
    private final MaskGateMetrics metrics;
    private final MessageCodec codec;
    private final Clock clock;
    private final AckVerifier ackVerifier;
    private final long ttlMs;
    private final long ackTimeoutMs;
    private final int maxAttempts;
    private final ConcurrentMap<String, Pending> pending = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "maskgate-ack-timer");
        t.setDaemon(true);
        return t;
    });

    public CommandDispatcher(CommandPublisher publisher, DoorRegistry doors, EventWriter events,
                             MaskGateMetrics metrics, MessageCodec codec, Clock clock,
                             MaskGateProperties properties) {
        this.publisher = publisher;
        this.doors = doors;
        this.events = events;
        this.metrics = metrics;
        this.codec = codec;
        this.clock = clock;
        MaskGateProperties.Commands c = properties.commands();
        this.ttlMs = c.ttl().toMillis();
        this.ackTimeoutMs = c.ackTimeout().toMillis();
        this.maxAttempts = c.maxAttempts();
        // acks are judged against a freshness window as long as a command can live
        this.ackVerifier = new AckVerifier(codec, doors.actuatorKeys(), clock,
                new Freshness(Duration.ofMillis(ttlMs + ackTimeoutMs), properties.decisions().maxAhead()));
    }

    /**
     * Signs and publishes a command for {@code doorId}.
     *
     * @param startNanos when the triggering decision arrived (for the decision->command latency), or -1
     * @return the command sent, or empty when the door has no actuator key (nothing sent: stays locked)
     */
    public Optional<DoorCommand> issue(String doorId, DoorAction action, long durationMs, CommandOrigin origin,
                                       long startNanos) {
        Optional<DoorRegistry.CachedDoor> door = doors.find(doorId);
        long now = clock.millis();
        if (door.isEmpty()) {
            metrics.command("no_key");
            events.enqueue(EventRecord.of(Instant.ofEpochMilli(now), EventKind.ALERT, "COMMAND_NOT_SENT",
                    "UNKNOWN_DOOR", origin.unitId(), doorId, origin.seq(), null, origin.actor(), null));
            return Optional.empty();
        }
        String id = UUID.randomUUID().toString();
        DoorCommand command = Signer.sign(DoorCommand.unsigned(id, doorId, action, durationMs, now, now + ttlMs, 1),
                door.get().actuatorKey());
        Pending p = new Pending(command, origin, System.nanoTime());
        pending.put(id, p);
        boolean sent = send(command);
        if (sent && startNanos > 0) {
            metrics.decisionToCommand(System.nanoTime() - startNanos);
        }
        timer.schedule(() -> onTimeout(id), ackTimeoutMs, TimeUnit.MILLISECONDS);
        events.enqueue(EventRecord.of(Instant.ofEpochMilli(now), EventKind.COMMAND, sent ? "SENT" : "SEND_FAILED",
                action.name(), origin.unitId(), doorId, origin.seq(), id, origin.actor(),
                "attempt=1 durationMs=" + durationMs + " expiresAt=" + command.expiresAt()));
        events.enqueue(record(command, "SENT", origin, null, null));
        return Optional.of(command);
    }

    /** Handles a payload from a door's ack topic. */
    public void onAck(String topic, byte[] payload) {
        Verdict<CommandAck> verdict = ackVerifier.verify(topic, payload);
        Instant now = clock.instant();
        if (!verdict.accepted()) {
            metrics.invalidAck(verdict.reason().name());
            CommandAck parsed = verdict.message();
            events.enqueue(EventRecord.of(now, EventKind.ACK, "INVALID", verdict.reason().name(), null,
                    Topics.doorIdOf(topic).orElse(null), null, parsed == null ? null : parsed.commandId(), null,
                    verdict.detail()));
            return;
        }
        CommandAck ack = verdict.message();
        Pending p = pending.get(ack.commandId());
        if (p == null || !p.current.doorId().equals(ack.doorId()) || !pending.remove(ack.commandId(), p)) {
            metrics.invalidAck("UNKNOWN_COMMAND");
            events.enqueue(EventRecord.of(now, EventKind.ACK, "UNMATCHED", ack.status().name(), null, ack.doorId(),
                    null, ack.commandId(), null, "no pending command with this id (late, duplicate or foreign)"));
            return;
        }
        metrics.ackLatency(System.nanoTime() - p.firstSentNanos);
        boolean done = ack.status() == AckStatus.DONE;
        metrics.command(done ? "acked" : "rejected");
        events.enqueue(EventRecord.of(now, EventKind.ACK, ack.status().name(), ack.reason(), p.origin.unitId(),
                ack.doorId(), p.origin.seq(), ack.commandId(), p.origin.actor(), "attempt=" + p.current.attempt()));
        events.enqueue(record(p.current, done ? "DONE" : "REJECTED", p.origin, ack.reason(), now));
        if (!done) {
            events.enqueue(EventRecord.of(now, EventKind.ALERT, "ACTUATOR_REJECTED", ack.reason(),
                    p.origin.unitId(), ack.doorId(), p.origin.seq(), ack.commandId(), p.origin.actor(), null));
        }
    }

    /** Commands still waiting for an ack. */
    public int pendingCount() {
        return pending.size();
    }

    private void onTimeout(String id) {
        Pending p = pending.get(id);
        if (p == null) {
            return;
        }
        DoorCommand last = p.current;
        long now = clock.millis();
        boolean stillValid = now + ackTimeoutMs / 2 < last.expiresAt();
        if (last.attempt() < maxAttempts && stillValid) {
            Optional<DoorRegistry.CachedDoor> door = doors.find(last.doorId());
            if (door.isPresent()) {
                DoorCommand next = Signer.sign(last.nextAttempt(), door.get().actuatorKey());
                p.current = next;
                boolean sent = send(next);
                metrics.command("retried");
                events.enqueue(EventRecord.of(Instant.ofEpochMilli(now), EventKind.COMMAND,
                        sent ? "RESENT" : "SEND_FAILED", next.action().name(), p.origin.unitId(), next.doorId(),
                        p.origin.seq(), id, p.origin.actor(), "attempt=" + next.attempt()));
                timer.schedule(() -> onTimeout(id), ackTimeoutMs, TimeUnit.MILLISECONDS);
                return;
            }
        }
        if (pending.remove(id, p)) {
            metrics.command("no_ack");
            log.warn("no ack for command {} to door {} after {} attempt(s); door assumed locked", id,
                    last.doorId(), last.attempt());
            Instant at = Instant.ofEpochMilli(now);
            events.enqueue(EventRecord.of(at, EventKind.ALERT, "NO_ACK", last.action().name(), p.origin.unitId(),
                    last.doorId(), p.origin.seq(), id, p.origin.actor(), "attempts=" + last.attempt()));
            events.enqueue(record(last, "NO_ACK", p.origin, null, null));
        }
    }

    private boolean send(DoorCommand command) {
        byte[] payload = codec.encode(command);
        String topic = Topics.command(command.doorId());
        long deadline = System.nanoTime() + 2_000_000_000L;
        while (true) {
            try {
                publisher.publish(topic, payload);
                metrics.command("sent");
                return true;
            } catch (Exception e) {
                if (!isTransientBusy(e) || System.nanoTime() > deadline) {
                    metrics.command("publish_failed");
                    log.warn("command {} to door {} not published: {}", command.commandId(), command.doorId(),
                            e.toString());
                    return false;
                }
                // the client's in-flight window is full: wait for PUBACKs (this also slows ingest: backpressure)
                java.util.concurrent.locks.LockSupport.parkNanos(100_000);
            }
        }
    }

    /** Paho's "too many publishes in progress": wait a moment instead of failing the command. */
    private static boolean isTransientBusy(Exception e) {
        return e instanceof org.eclipse.paho.mqttv5.common.MqttException m && m.getReasonCode() == 32202;
    }

    private static CommandRecord record(DoorCommand c, String status, CommandOrigin origin, String ackReason,
                                        Instant ackedAt) {
        return new CommandRecord(c.commandId(), c.doorId(), c.action().name(), c.durationMs(),
                Instant.ofEpochMilli(c.issuedAt()), Instant.ofEpochMilli(c.expiresAt()), c.attempt(), status,
                origin.kind(), origin.unitId(), origin.seq(), origin.actor(), ackReason, ackedAt);
    }

    @PreDestroy
    void shutdown() {
        timer.shutdownNow();
    }
}
