package io.maskgate.agent.actuator;

import io.maskgate.protocol.AckStatus;
import io.maskgate.protocol.CommandAck;
import io.maskgate.protocol.CommandVerifier;
import io.maskgate.protocol.DoorAction;
import io.maskgate.protocol.DoorCommand;
import io.maskgate.protocol.HmacKey;
import io.maskgate.protocol.MessageCodec;
import io.maskgate.protocol.RejectReason;
import io.maskgate.protocol.Signer;
import io.maskgate.protocol.Verdict;
import java.time.Clock;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The actuator's decision on one command, without MQTT: verify (door, signature, expiry, replay) with the
 * protocol's {@link CommandVerifier}, move the {@link DoorLock} only for an accepted command, and produce the
 * signed ack. Rejected commands leave the lock as it is (locked unless an earlier valid unlock is still running)
 * and are counted by reason. Commands are executed in issue order: one issued before the last executed command
 * (a re-sent UNLOCK arriving after an operator's LOCK) is refused as SUPERSEDED. A re-delivered command that was already executed is not executed again; its
 * original ack is sent again so a service retry after a lost ack still completes.
 */
public final class CommandHandler {

    /** What happened to one command: the verdict and the ack to publish, if any. */
    public record Outcome(Verdict<DoorCommand> verdict, Optional<CommandAck> ack, boolean superseded) {

        public Outcome(Verdict<DoorCommand> verdict, Optional<CommandAck> ack) {
            this(verdict, ack, false);
        }

        /** Whether the door moved: a valid command that was not superseded by a newer one. */
        public boolean executed() {
            return verdict.accepted() && !superseded;
        }
    }

    private static final int REMEMBERED_ACKS = 1024;

    private final String doorId;
    private final HmacKey doorKey;
    private final CommandVerifier verifier;
    private final DoorLock lock;
    private final Clock clock;
    private final Map<RejectReason, Long> rejected = new EnumMap<>(RejectReason.class);
    /** Issue time of the newest command executed: an older one arriving later is SUPERSEDED. */
    private long lastExecutedIssuedAt = Long.MIN_VALUE;
    private long superseded;
    private final Map<String, CommandAck> executed = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, CommandAck> eldest) {
            return size() > REMEMBERED_ACKS;
        }
    };

    public CommandHandler(String doorId, HmacKey doorKey, CommandVerifier verifier, DoorLock lock, Clock clock) {
        this.doorId = doorId;
        this.doorKey = doorKey;
        this.verifier = verifier;
        this.lock = lock;
        this.clock = clock;
    }

    public synchronized Outcome handle(String topic, byte[] payload) {
        Verdict<DoorCommand> verdict = verifier.verify(topic, payload);
        DoorCommand command = verdict.message();
        if (verdict.accepted() && command.issuedAt() < lastExecutedIssuedAt) {
            // commands are executed in the order the service issued them, not the order they arrive in
            superseded++;
            return new Outcome(verdict, Optional.of(sign(command.commandId(), AckStatus.REJECTED,
                    CommandAck.SUPERSEDED)), true);
        }
        if (verdict.accepted()) {
            lastExecutedIssuedAt = command.issuedAt();
            if (command.action() == DoorAction.UNLOCK) {
                lock.unlockFor(command.durationMs());
            } else {
                lock.lock();
            }
            CommandAck ack = sign(command.commandId(), AckStatus.DONE, null);
            executed.put(command.commandId(), ack);
            return new Outcome(verdict, Optional.of(ack));
        }
        rejected.merge(verdict.reason(), 1L, Long::sum);
        if (verdict.reason() == RejectReason.REPLAY) {
            return new Outcome(verdict, Optional.ofNullable(executed.get(command.commandId())));
        }
        if (command != null && verdict.authenticated()) {
            // signed by the service for this door but refused (expired, from the future): tell the service
            return new Outcome(verdict, Optional.of(sign(command.commandId(), AckStatus.REJECTED, verdict.reason().name())));
        }
        return new Outcome(verdict, Optional.empty()); // forged, malformed or not ours: no signed answer
    }

    /** Valid commands not executed because a newer one had been (see {@link CommandAck#SUPERSEDED}). */
    public synchronized long supersededCount() {
        return superseded;
    }

    public synchronized Map<RejectReason, Long> rejectedByReason() {
        return Map.copyOf(rejected);
    }

    public DoorLock lock() {
        return lock;
    }

    public String doorId() {
        return doorId;
    }

    private CommandAck sign(String commandId, AckStatus status, String reason) {
        return Signer.sign(CommandAck.unsigned(commandId, doorId, status, reason, clock.millis()), doorKey);
    }

    /** The handler a door actuator normally runs (in-memory replay guard for 10,000 unexpired command ids). */
    public static CommandHandler standard(String doorId, HmacKey doorKey, Clock clock,
                                          io.maskgate.protocol.Freshness freshness) {
        CommandVerifier verifier = new CommandVerifier(new MessageCodec(), doorId, doorKey,
                new io.maskgate.protocol.InMemoryCommandReplayGuard(10_000), clock, freshness);
        return new CommandHandler(doorId, doorKey, verifier, new DoorLock(clock), clock);
    }
}
