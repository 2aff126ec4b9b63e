package io.maskgate.service.decision;

import io.maskgate.protocol.Decision;
import io.maskgate.protocol.DecisionVerifier;
import io.maskgate.protocol.DoorAction;
import io.maskgate.protocol.Freshness;
import io.maskgate.protocol.MessageCodec;
import io.maskgate.protocol.Topics;
import io.maskgate.protocol.Verdict;
import io.maskgate.service.command.CommandDispatcher;
import io.maskgate.service.command.CommandOrigin;
import io.maskgate.service.config.MaskGateProperties;
import io.maskgate.service.door.DoorPolicy;
import io.maskgate.service.door.DoorRegistry;
import io.maskgate.service.event.EventRecord;
import io.maskgate.service.event.EventWriter;
import io.maskgate.service.metrics.MaskGateMetrics;
import io.maskgate.service.unit.PersistentSequenceState;
import io.maskgate.service.unit.UnitRegistry;
import java.time.Clock;
import java.time.Instant;
import org.springframework.stereotype.Component;

/**
 * One decision from MQTT to the door: authenticate (protocol's DecisionVerifier against the in-memory unit keys
 * and sequence state) -> door policy -> signed UNLOCK. The command goes out before any event is queued, and
 * nothing here touches the database. Never throws on bad input: every rejection is counted and logged.
 */
@Component
public class DecisionPipeline {

    private final DecisionVerifier verifier;
    private final UnitRegistry units;
    private final DoorRegistry doors;
    private final PolicyEvaluator policies;
    private final CommandDispatcher commands;
    private final EventWriter events;
    private final MaskGateMetrics metrics;
    private final Clock clock;
    private final io.maskgate.service.unit.ReplicaSequenceSync replicaSync;
    private final io.maskgate.service.verify.Reverification reverification;

    public DecisionPipeline(MessageCodec codec, UnitRegistry units, PersistentSequenceState sequences,
                            DoorRegistry doors, PolicyEvaluator policies, CommandDispatcher commands,
                            EventWriter events, MaskGateMetrics metrics, Clock clock,
                            io.maskgate.service.unit.ReplicaSequenceSync replicaSync, MaskGateProperties properties,
                            io.maskgate.service.verify.Reverification reverification) {
        this.replicaSync = replicaSync;
        this.reverification = reverification;
        this.units = units;
        this.doors = doors;
        this.policies = policies;
        this.commands = commands;
        this.events = events;
        this.metrics = metrics;
        this.clock = clock;
        this.verifier = new DecisionVerifier(codec, units, sequences, clock,
                new Freshness(properties.decisions().maxAge(), properties.decisions().maxAhead()));
    }

    /**
     * Handles one payload from a unit's decision topic.
     *
     * @param arrivedNanos {@link System#nanoTime()} when the message arrived
     */
    public void onDecision(String topic, byte[] payload, long arrivedNanos) {
        onDecision(topic, payload, arrivedNanos, null);
    }

    /**
     * As {@link #onDecision(String, byte[], long)}; {@code onDurable} runs once the decision's events are
     * committed (the gateway acknowledges the MQTT message then). The door is commanded before that: the door
     * path never waits on the database.
     */
    public void onDecision(String topic, byte[] payload, long arrivedNanos, Runnable onDurable) {
        Verdict<Decision> verdict = verifier.verify(topic, payload);
        Instant now = clock.instant();
        if (!verdict.accepted()) {
            metrics.decisionRejected(verdict.reason());
            events.enqueue(rejected(topic, verdict, now), onDurable);
            return;
        }
        metrics.decisionAccepted();
        Decision d = verdict.message();
        replicaSync.accepted(d.unitId(), d.seq()); // before acting on it: shortens the window for a replay elsewhere
        String unitDoor = units.unit(d.unitId()).map(UnitRegistry.CachedUnit::doorId).orElse(null);
        DoorPolicy policy = doors.find(d.doorId()).map(c -> c.door().policy()).orElse(null);
        if (reverification.defer(d, unitDoor, policy, arrivedNanos)) {
            // ENFORCE_VERIFIED and the score is in the door's uncertainty band: the float verdict (or its
            // deadline) decides the door later (verify/Reverification); outside the band nothing changes here
            events.enqueue(EventRecord.decisionAccepted(now, d), onDurable);
            return;
        }
        PolicyOutcome outcome;
        try {
            outcome = policies.evaluate(d, unitDoor, policy, now);
        } catch (RuntimeException e) {
            outcome = PolicyOutcome.denied("POLICY_ERROR");
        }
        // queued in the order things happened: the decision, the command it caused (stamped after it), the verdict
        events.enqueue(EventRecord.decisionAccepted(now, d));
        String commandId = null;
        if (outcome.unlock()) {
            commandId = commands.issue(d.doorId(), DoorAction.UNLOCK, outcome.unlockMs(),
                    CommandOrigin.decision(d.unitId(), d.seq(), now), arrivedNanos)
                    .map(c -> c.command().commandId()).orElse(null);
        }
        metrics.verdict(outcome.verdict(), outcome.reason());
        events.enqueue(EventRecord.verdict(now, d, outcome.verdict(), outcome.reason(), commandId), onDurable);
    }

    private static EventRecord rejected(String topic, Verdict<Decision> verdict, Instant now) {
        Decision claimed = verdict.message();
        String unitId = claimed != null ? claimed.unitId() : Topics.unitIdOf(topic).orElse(null);
        // An authenticated rejection (REPLAY of a redelivered message, STALE, FUTURE) is keyed on (unit, seq) and
        // stored at most once; anything unauthenticated is stored as received, claimed ids included.
        return EventRecord.decisionRejected(now, verdict.reason(), unitId, claimed, verdict.authenticated(),
                truncate(verdict.detail()));
    }

    private static String truncate(String s) {
        return s == null || s.length() <= 500 ? s : s.substring(0, 500);
    }
}
