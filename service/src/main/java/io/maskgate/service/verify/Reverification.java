package io.maskgate.service.verify;

import io.maskgate.protocol.Decision;
import io.maskgate.protocol.DoorAction;
import io.maskgate.protocol.Label;
import io.maskgate.service.command.CommandDispatcher;
import io.maskgate.service.command.CommandOrigin;
import io.maskgate.service.decision.PolicyEvaluator;
import io.maskgate.service.decision.PolicyOutcome;
import io.maskgate.service.door.DoorPolicy;
import io.maskgate.service.door.PolicyMode;
import io.maskgate.service.event.EventKind;
import io.maskgate.service.event.EventRecord;
import io.maskgate.service.event.EventWriter;
import io.maskgate.service.metrics.MaskGateMetrics;
import io.maskgate.verifier.VerificationQueue;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Uncertain decisions from their arrival to the door's verdict. The decision pipeline asks {@link #defer} for each
 * accepted decision: outside its door's band (or a door without one) the answer is no at the cost of one map
 * lookup and today's path runs. Inside the band the decision is held for its frame; in ENFORCE_VERIFIED mode the
 * door's verdict is deferred: the float verdict decides if it comes by the deadline (then the door policy runs on
 * the float score), otherwise the door stays locked and a late verdict is only recorded. Nothing here runs on
 * the MQTT callback thread except {@link #defer} and {@link #onFrame}, which only hand work on.
 */
public class Reverification implements AutoCloseable {

    /** Float probability at or above which the float verdict is MASK (the model card's threshold). */
    public static final double FLOAT_MASK_THRESHOLD = 0.5;

    private final DoorBands bands;
    private final HeldDecisions held;
    private final VerificationQueue queue;
    private final VerificationStore store;
    private final PolicyEvaluator policies;
    private final CommandDispatcher commands;
    private final EventWriter events;
    private final MaskGateMetrics decisionMetrics;
    private final VerifyMetrics metrics;
    private final Clock clock;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "verify-deadline");
        t.setDaemon(true);
        return t;
    });

    public Reverification(DoorBands bands, HeldDecisions held, VerificationQueue queue, VerificationStore store,
                          PolicyEvaluator policies, CommandDispatcher commands, EventWriter events,
                          MaskGateMetrics decisionMetrics, VerifyMetrics metrics, Clock clock) {
        this.bands = bands;
        this.held = held;
        this.queue = queue;
        this.store = store;
        this.policies = policies;
        this.commands = commands;
        this.events = events;
        this.decisionMetrics = decisionMetrics;
        this.metrics = metrics;
        this.clock = clock;
        timer.scheduleWithFixedDelay(() -> held.forgetExpired(System.nanoTime()), 1, 1, TimeUnit.SECONDS);
    }

    /** Runs a housekeeping task on this component's timer thread. */
    void every(java.time.Duration period, Runnable task) {
        timer.scheduleWithFixedDelay(task, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Hook of the decision pipeline for an accepted decision. True: the door's verdict is deferred (the caller
     * logs the decision and stops); false: the caller applies the policy now, as always.
     */
    public boolean defer(Decision d, String unitDoorId, DoorPolicy policy, long arrivedNanos) {
        if (policy == null || !d.doorId().equals(unitDoorId)) {
            return false;
        }
        Optional<DoorVerification> band = bands.of(d.doorId());
        if (band.isEmpty() || !band.get().uncertain(d.score())) {
            return false;
        }
        boolean enforced = policy.mode() == PolicyMode.ENFORCE_VERIFIED;
        UncertainDecision u = new UncertainDecision(d, clock.instant(), arrivedNanos, enforced, policy,
                band.get().deadlineMs());
        if (!held.hold(u)) {
            metrics.unverified("HELD_FULL");
            if (enforced) {
                u.decide();
                deny(u, "UNVERIFIED", "HELD_FULL");
                store.verification(row(u, "UNVERIFIED", "HELD_FULL", null, null, "DENIED:UNVERIFIED"));
                return true;
            }
            return false;
        }
        if (enforced) {
            timer.schedule(() -> onDeadline(u), u.deadlineMs(), TimeUnit.MILLISECONDS);
        }
        return enforced;
    }

    /** An accepted frame with a good 32x32 image: keep it (encrypted) and queue it for the float model. */
    void onFrame(UncertainDecision u, byte[] image, long frameNanos) {
        u.frameAccepted(frameNanos);
        Decision d = u.decision();
        store.saveFrame(d.unitId(), d.seq(), d.doorId(), clock.instant(), image);
        boolean queued = queue.submit(new VerificationQueue.Job(d.modelVersion(), image,
                o -> onOutcome(u, o)));
        if (!queued) {
            unverified(u, "QUEUE_FULL");
        }
    }

    private void onOutcome(UncertainDecision u, VerificationQueue.Outcome o) {
        if (!o.verified()) {
            unverified(u, o.status().name());
            return;
        }
        Decision d = u.decision();
        long now = System.nanoTime();
        double p = o.probability();
        Label floatLabel = p >= FLOAT_MASK_THRESHOLD ? Label.MASK : Label.NO_MASK;
        metrics.compared(d.modelVersion(), d.unitId(), floatLabel != d.label());
        double verifyMs = (now - u.frameNanos()) / 1e6;
        double decisionMs = (now - u.arrivedNanos()) / 1e6;
        if (!u.enforced()) {
            metrics.verified("RECORDED", now - u.frameNanos());
            store.verification(row(u, "VERIFIED", null, p, floatLabel, null, verifyMs, decisionMs));
            return;
        }
        if (u.inTime(now) && u.decide()) {
            metrics.verified("IN_TIME", now - u.frameNanos());
            metrics.enforcedDecision("FLOAT");
            PolicyOutcome outcome = decideOnFloat(u, p, floatLabel);
            store.verification(row(u, "VERIFIED", null, p, floatLabel, outcome.verdict() + ":" + outcome.reason(),
                    verifyMs, decisionMs));
        } else {
            metrics.verified("LATE", now - u.frameNanos());
            store.verification(row(u, "LATE", "AFTER_DEADLINE", p, floatLabel, null, verifyMs, decisionMs));
        }
    }

    private void unverified(UncertainDecision u, String reason) {
        metrics.unverified(reason);
        String outcome = null;
        if (u.enforced() && u.decide()) {
            metrics.enforcedDecision("UNVERIFIED");
            deny(u, "UNVERIFIED", reason);
            outcome = "DENIED:UNVERIFIED";
        }
        store.verification(row(u, "UNVERIFIED", reason, null, null, outcome));
    }

    private void onDeadline(UncertainDecision u) {
        if (!u.decide()) {
            return;
        }
        String reason = u.frameArrived() ? "VERIFY_LATE" : "NO_FRAME";
        metrics.enforcedDecision(u.frameArrived() ? "LATE" : "NO_FRAME");
        deny(u, reason, null);
        if (!u.frameArrived()) {
            store.verification(row(u, "NO_FRAME", "NO_FRAME", null, null, "DENIED:NO_FRAME"));
        } else {
            // the LATE verdict completes this row when the float model answers
            store.verification(row(u, "UNVERIFIED", "VERIFY_LATE", null, null, "DENIED:VERIFY_LATE"));
        }
    }

    /** The door policy on the float verdict: the float label and per-mille score stand in for the unit's. */
    private PolicyOutcome decideOnFloat(UncertainDecision u, double p, Label floatLabel) {
        Decision d = u.decision();
        int floatScore = (int) Math.max(0, Math.min(1000, Math.round(p * 1000)));
        Decision asFloat = new Decision(d.v(), d.unitId(), d.doorId(), d.seq(), d.capturedAt(), floatLabel,
                floatScore, d.modelVersion(), d.sig());
        Instant now = clock.instant();
        PolicyOutcome outcome;
        try {
            outcome = policies.evaluate(asFloat, d.doorId(), u.policy(), now);
        } catch (RuntimeException e) {
            outcome = PolicyOutcome.denied("POLICY_ERROR");
        }
        String commandId = null;
        if (outcome.unlock()) {
            commandId = commands.issue(d.doorId(), DoorAction.UNLOCK, outcome.unlockMs(),
                    CommandOrigin.decision(d.unitId(), d.seq(), now), u.arrivedNanos()).map(c -> c.command().commandId())
                    .orElse(null);
        }
        decisionMetrics.verdict(outcome.verdict(), outcome.reason());
        events.enqueue(EventRecord.of(now, EventKind.VERDICT, outcome.verdict(), outcome.reason(), d.unitId(),
                d.doorId(), d.seq(), commandId, null, String.format("float=%.4f int8=%d", p, d.score())));
        return outcome;
    }

    private void deny(UncertainDecision u, String reason, String detail) {
        Decision d = u.decision();
        decisionMetrics.verdict(PolicyOutcome.DENIED, reason);
        events.enqueue(EventRecord.of(clock.instant(), EventKind.VERDICT, PolicyOutcome.DENIED, reason, d.unitId(),
                d.doorId(), d.seq(), null, null, detail));
    }

    private static VerificationStore.Row row(UncertainDecision u, String status, String reason, Double p,
                                             Label floatLabel, String doorOutcome) {
        return row(u, status, reason, p, floatLabel, doorOutcome, null, null);
    }

    private static VerificationStore.Row row(UncertainDecision u, String status, String reason, Double p,
                                             Label floatLabel, String doorOutcome, Double verifyMs, Double decisionMs) {
        Decision d = u.decision();
        return new VerificationStore.Row(d.unitId(), d.seq(), d.doorId(), u.at(), u.enforced(), d.modelVersion(),
                d.label().name(), d.score(), status, reason, p, floatLabel == null ? null : floatLabel.name(),
                verifyMs, decisionMs, doorOutcome);
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
