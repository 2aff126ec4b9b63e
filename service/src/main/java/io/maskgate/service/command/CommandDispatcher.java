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
 * the command is still valid; then an ALERT event. An UNLOCK's retries stop once its door has a newer command
 * (status SUPERSEDED): the actuator acts on the newest only. Fail-secure: when in doubt nothing is sent and the door stays
 * locked; the expiry makes a late delivery useless.
 */
@Component
public class CommandDispatcher {

    private static final Logger log = LoggerFactory.getLogger(CommandDispatcher.class);

    private final class Pending {
        final long firstSentNanos;
        final CommandOrigin origin;
        volatile DoorCommand current;
        /** A later command of the door cancelled this UNLOCK's retries (the id of that command). */
        volatile String supersededBy;

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
    /**
     * Per door, the newest command issued. An UNLOCK is not re-sent once the door has a newer command: the actuator
     * acts on the newest only, and re-sending old UNLOCKs under load (20 a second per door in a busy entrance) turned
     * slow acks into a storm of retries that expired in the broker (issue 15's fleet runs).
     */
    private final ConcurrentMap<String, String> newestByDoor = new ConcurrentHashMap<>();
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
     * Signs and publishes a command for {@code doorId}. A LOCK first cancels the retries of every UNLOCK of the
     * door still waiting for its ack, so a re-sent UNLOCK can never reopen a door an operator just locked (the
     * actuator also refuses commands issued before the last one it executed).
     *
     * @param startNanos when the triggering decision arrived (for the decision->command latency), or -1
     * @return the command issued, or empty when the door has no actuator key (nothing sent: stays locked)
     */
    public Optional<IssuedCommand> issue(String doorId, DoorAction action, long durationMs, CommandOrigin origin,
                                         long startNanos) {
        Optional<DoorRegistry.CachedDoor> door = doors.find(doorId);
        Instant at = eventTime(origin);
        if (door.isEmpty()) {
            metrics.command("no_key");
            events.enqueue(EventRecord.alert(at, "COMMAND_NOT_SENT", "UNKNOWN_DOOR", doorId, null, origin, null));
            return Optional.empty();
        }
        long now = clock.millis();
        String id = UUID.randomUUID().toString();
        DoorCommand command = Signer.sign(DoorCommand.unsigned(id, doorId, action, durationMs, now, now + ttlMs, 1),
                door.get().actuatorKey());
        if (action == DoorAction.LOCK) {
            supersedeUnlocks(doorId, id);
        }
        newestByDoor.put(doorId, id);
        Pending p = new Pending(command, origin, System.nanoTime());
        pending.put(id, p);
        boolean sent = send(command);
        if (sent && startNanos > 0) {
            metrics.decisionToCommand(System.nanoTime() - startNanos);
        }
        timer.schedule(() -> onTimeout(id), ackTimeoutMs, TimeUnit.MILLISECONDS);
        events.enqueue(EventRecord.command(at, sent ? "SENT" : "SEND_FAILED", command, origin,
                "attempt=1 durationMs=" + durationMs + " expiresAt=" + command.expiresAt()));
        events.enqueue(CommandRecord.of(command, CommandStatus.SENT, origin));
        return Optional.of(new IssuedCommand(command, sent));
    }

    private void supersedeUnlocks(String doorId, String lockId) {
        for (Pending p : pending.values()) {
            if (p.current.action() == DoorAction.UNLOCK && p.current.doorId().equals(doorId)) {
                p.supersededBy = lockId;
            }
        }
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
        // the actuator refusing an UNLOCK older than its last executed LOCK is the intended outcome, no alert
        boolean superseded = !done && CommandAck.SUPERSEDED.equals(ack.reason());
        metrics.command(done ? "acked" : superseded ? "superseded" : "rejected");
        events.enqueue(EventRecord.of(now, EventKind.ACK, ack.status().name(), ack.reason(), p.origin.unitId(),
                ack.doorId(), p.origin.seq(), ack.commandId(), p.origin.actor(), "attempt=" + p.current.attempt()));
        CommandStatus status = done ? CommandStatus.DONE
                : superseded ? CommandStatus.SUPERSEDED : CommandStatus.REJECTED;
        events.enqueue(CommandRecord.acked(p.current, status, p.origin, ack.reason(), now));
        if (status == CommandStatus.REJECTED) {
            events.enqueue(EventRecord.alert(now, "ACTUATOR_REJECTED", ack.reason(), ack.doorId(), ack.commandId(),
                    p.origin, null));
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
        Instant at = clock.instant();
        String newest = newestByDoor.get(last.doorId());
        if (p.supersededBy == null && last.action() == DoorAction.UNLOCK && newest != null && !newest.equals(id)) {
            p.supersededBy = newest;
        }
        if (p.supersededBy != null) {
            if (pending.remove(id, p)) {
                metrics.command("superseded");
                events.enqueue(EventRecord.command(at, "SUPERSEDED", last, p.origin, "retries cancelled by the "
                        + "door's newer command " + p.supersededBy + " after attempt " + last.attempt()));
                events.enqueue(CommandRecord.of(last, CommandStatus.SUPERSEDED, p.origin));
            }
            return;
        }
        boolean stillValid = now + ackTimeoutMs / 2 < last.expiresAt();
        if (last.attempt() < maxAttempts && stillValid) {
            Optional<DoorRegistry.CachedDoor> door = doors.find(last.doorId());
            if (door.isPresent()) {
                DoorCommand next = Signer.sign(last.nextAttempt(), door.get().actuatorKey());
                p.current = next;
                boolean sent = send(next);
                metrics.command("retried");
                events.enqueue(EventRecord.command(at, sent ? "RESENT" : "SEND_FAILED", next, p.origin,
                        "attempt=" + next.attempt()));
                events.enqueue(CommandRecord.of(next, CommandStatus.RESENT, p.origin));
                timer.schedule(() -> onTimeout(id), ackTimeoutMs, TimeUnit.MILLISECONDS);
                return;
            }
        }
        if (pending.remove(id, p)) {
            metrics.command("no_ack");
            log.warn("no ack for command {} to door {} after {} attempt(s); door assumed locked", id,
                    last.doorId(), last.attempt());
            events.enqueue(EventRecord.alert(at, "NO_ACK", last.action().name(), last.doorId(), id, p.origin,
                    "attempts=" + last.attempt()));
            events.enqueue(CommandRecord.of(last, CommandStatus.NO_ACK, p.origin));
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

    /** Now, but never before the cause's own event (microsecond steps: what PostgreSQL stores). */
    private Instant eventTime(CommandOrigin origin) {
        Instant now = clock.instant();
        Instant after = origin.since() == null ? null : origin.since().plusNanos(1_000);
        return after != null && now.isBefore(after) ? after : now;
    }

    @PreDestroy
    void shutdown() {
        timer.shutdownNow();
    }
}
