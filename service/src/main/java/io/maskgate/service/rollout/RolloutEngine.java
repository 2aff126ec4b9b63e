package io.maskgate.service.rollout;

import io.maskgate.protocol.Limits;
import io.maskgate.protocol.OtaChunk;
import io.maskgate.protocol.OtaCommand;
import io.maskgate.protocol.OtaFetch;
import io.maskgate.protocol.OtaKind;
import io.maskgate.protocol.OtaReport;
import io.maskgate.protocol.Signer;
import io.maskgate.service.audit.AuditLog;
import io.maskgate.service.model.ModelRegistry;
import io.maskgate.service.mqtt.UnitPresence;
import io.maskgate.service.ota.OtaGateway;
import io.maskgate.service.ota.OtaProperties;
import io.maskgate.service.unit.UnitRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Drives running rollouts, one tick at a time: starts a group when the previous one reached its success threshold,
 * offers actions to online units within the rate limit (offline and late-registered units are reached when they
 * come online), times out units stuck past their deadline, pauses the rollout when a group reaches its error
 * threshold or when its version's re-verified frames disagree with the float model too often ({@link
 * DisagreementRule}), and finishes it when every group has. Units' reports move their actions; their fetches are
 * answered with chunks of the action's model.
 */
@Component
public class RolloutEngine implements SmartLifecycle, OtaGateway.Listener {

    private static final Logger log = LoggerFactory.getLogger(RolloutEngine.class);

    private final RolloutRepository repository;
    private final RolloutTargets targets;
    private final ModelRegistry models;
    private final OtaGateway gateway;
    private final UnitRegistry units;
    private final UnitPresence presence;
    private final OtaProperties properties;
    private final Clock clock;
    private final MeterRegistry meters;
    private final AuditLog audit;
    private final Map<String, byte[]> modelBytes = new ConcurrentHashMap<>();
    /** Manifests are immutable: read each once. */
    private final Map<String, String> manifests = new ConcurrentHashMap<>();
    private final Map<String, String> actionVersions = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> bytesSent = new ConcurrentHashMap<>();
    private final Map<Long, double[]> tokens = new ConcurrentHashMap<>();
    private volatile long lastTickMs;
    private ScheduledExecutorService timer;
    private volatile boolean running;

    public RolloutEngine(RolloutRepository repository, RolloutTargets targets, ModelRegistry models,
                         OtaGateway gateway, UnitRegistry units, UnitPresence presence, OtaProperties properties,
                         Clock clock, MeterRegistry meters, AuditLog audit) {
        this.repository = repository;
        this.targets = targets;
        this.models = models;
        this.gateway = gateway;
        this.units = units;
        this.presence = presence;
        this.properties = properties;
        this.clock = clock;
        this.meters = meters;
        this.audit = audit;
        gateway.listener(this);
    }

    @Override
    public void start() {
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "maskgate-rollouts");
            t.setDaemon(true);
            return t;
        });
        long tick = properties.rollouts().tick().toMillis();
        timer.scheduleWithFixedDelay(() -> {
            try {
                tick();
            } catch (RuntimeException e) {
                log.error("rollout tick failed", e);
            }
        }, tick, tick, TimeUnit.MILLISECONDS);
        running = true;
    }

    /** One pass over the running rollouts (also called by tests and the bench to advance at once). */
    public synchronized void tick() {
        long now = clock.millis();
        long dt = lastTickMs == 0 ? 0 : now - lastTickMs;
        lastTickMs = now;
        flushBytesSent();
        for (Rollout r : repository.byStatus(RolloutStatus.RUNNING)) {
            isolated(r, () -> advance(r, Instant.ofEpochMilli(now), dt));
        }
        // a paused rollout sends nothing new, but units already offered still time out: never "in progress" forever
        for (Rollout r : repository.byStatus(RolloutStatus.PAUSED)) {
            isolated(r, () -> timeOutStuckActions(r, now));
        }
    }

    /**
     * One rollout's failure must not stop the tick for the others: rollouts are visited in id order, so an old
     * rollout that throws every tick would otherwise starve every newer one (a revocation's rollback included).
     */
    private void isolated(Rollout r, Runnable step) {
        try {
            step.run();
        } catch (RuntimeException e) {
            meters.counter("maskgate.rollouts.tick.errors").increment();
            log.warn("rollout {}: tick step failed, the other rollouts go on: {}", r.id(), e.toString());
        }
    }

    private void timeOutStuckActions(Rollout r, long now) {
        for (RolloutGroup g : repository.groups(r.id())) {
            if (g.status().active() || g.status() == GroupStatus.ERROR) {
                for (Action a : repository.actionsOfGroup(g.id())) {
                    if (!a.status().terminal() && stuck(r, a, now)) {
                        timeOut(r, a, "stuck in " + a.status() + " past the action deadline");
                    }
                }
            }
        }
    }

    /** An offered action (not merely scheduled) that has stayed in its state past the rollout's action deadline. */
    private static boolean stuck(Rollout r, Action a, long nowMs) {
        return a.status() != ActionStatus.SCHEDULED && a.stateSince() != null
                && nowMs - a.stateSince().toEpochMilli() > r.actionDeadlineMs();
    }

    private void advance(Rollout r, Instant now, long dt) {
        if (pausedForDisagreement(r)) {
            return;
        }
        List<RolloutGroup> groups = repository.groups(r.id());
        targets.addLateUnits(r, groups);
        double[] bucket = tokens.computeIfAbsent(r.id(), id -> new double[] {Math.max(1, r.ratePerMinute() / 6.0)});
        if (r.ratePerMinute() > 0) {
            bucket[0] = Math.min(Math.max(1, r.ratePerMinute() / 6.0), bucket[0] + r.ratePerMinute() * dt / 60_000.0);
        }
        boolean allFinished = true;
        boolean previousDone = true;
        for (RolloutGroup g : groups) {
            GroupStatus status = g.status();
            if (status == GroupStatus.SCHEDULED) {
                if (!previousDone) {
                    allFinished = false;
                    break;
                }
                status = g.status().moveTo(GroupStatus.RUNNING);
                repository.moveGroup(g.id(), status, now, now.plusMillis(r.groupDeadlineMs()));
                repository.event(r.id(), null, null, "GROUP_STARTED", g.name());
                g = new RolloutGroup(g.id(), g.rolloutId(), g.idx(), g.name(), status, now,
                        now.plusMillis(r.groupDeadlineMs()), null);
            }
            if (!status.active()) {
                allFinished &= status == GroupStatus.FINISHED;
                previousDone = false;
                continue;
            }
            List<Action> actions = repository.actionsOfGroup(g.id());
            boolean groupExpired = g.deadlineAt() != null && now.isAfter(g.deadlineAt());
            for (Action a : actions) {
                if (a.status().terminal()) {
                    continue;
                }
                boolean stuck = stuck(r, a, now.toEpochMilli());
                if (stuck || groupExpired) {
                    timeOut(r, a, stuck ? "stuck in " + a.status() + " past the action deadline"
                            : "group deadline passed");
                } else if (a.status() == ActionStatus.SCHEDULED && presence.isOnline(a.unitId())) {
                    if (r.ratePerMinute() > 0 && bucket[0] < 1) {
                        continue;
                    }
                    if (offer(r, a, now)) {
                        bucket[0] -= 1;
                    }
                }
            }
            Map<ActionStatus, Integer> counts = repository.countByStatus(g.id());
            int total = counts.values().stream().mapToInt(Integer::intValue).sum();
            int errors = counts.entrySet().stream().filter(e -> e.getKey().error()).mapToInt(Map.Entry::getValue).sum();
            int ok = counts.getOrDefault(ActionStatus.SUCCEEDED, 0);
            if (status == GroupStatus.RUNNING && total > 0 && errors * 100 >= r.errorThreshold() * total) {
                repository.moveGroup(g.id(), status.moveTo(GroupStatus.ERROR), now, null);
                String why = String.format("group %s reached the error threshold: %d of %d units failed (threshold "
                        + "%d %%)", g.name(), errors, total, r.errorThreshold());
                repository.moveRollout(r.id(), RolloutStatus.RUNNING, r.status().moveTo(RolloutStatus.PAUSED), why);
                repository.event(r.id(), null, null, "PAUSED_AT_ERROR_THRESHOLD", why);
                meters.counter("maskgate.rollouts.paused", "reason", "error-threshold").increment();
                log.warn("rollout {} paused: {}", r.id(), why);
                return;
            }
            if (status == GroupStatus.RUNNING && (total == 0 || ok * 100 >= r.successThreshold() * total
                    || counts.entrySet().stream().allMatch(e -> e.getKey().terminal()))) {
                if (total > 0 && ok * 100 < r.successThreshold() * total) {
                    // every unit is done, the success threshold was not reached, and the errors stayed below theirs
                    // (e.g. cancelled units): the group still ends so the rollout cannot hang
                    repository.event(r.id(), null, null, "GROUP_DONE_BELOW_SUCCESS", g.name());
                }
                repository.moveGroup(g.id(), status.moveTo(GroupStatus.FINISHED), now, null);
                repository.event(r.id(), null, null, "GROUP_FINISHED", g.name() + ": " + ok + " of " + total
                        + " succeeded");
                status = GroupStatus.FINISHED;
            }
            boolean settled = counts.entrySet().stream().allMatch(e -> e.getKey().terminal());
            allFinished &= status == GroupStatus.FINISHED && settled;
            previousDone = status == GroupStatus.FINISHED;
        }
        if (allFinished) {
            repository.moveRollout(r.id(), RolloutStatus.RUNNING, r.status().moveTo(RolloutStatus.FINISHED), null);
            repository.event(r.id(), null, null, "FINISHED", null);
            tokens.remove(r.id());
        }
    }

    /**
     * Pauses an INSTALL rollout whose version's re-verified frames (its own units', since it last started or
     * resumed) disagree with the float model above its threshold. Rollbacks and revocations are never paused by
     * it: they take units back to a model that already proved itself.
     */
    boolean pausedForDisagreement(Rollout r) {
        if (!"INSTALL".equals(r.kind()) || r.modelVersion() == null) {
            return false;
        }
        DisagreementRule rule = r.disagreementRule();
        DisagreementRule.Sample sample = repository.disagreement(r.id(), r.modelVersion());
        if (!rule.pauses(sample)) {
            return false;
        }
        String why = rule.reason(r.modelVersion(), sample);
        if (repository.moveRollout(r.id(), RolloutStatus.RUNNING, r.status().moveTo(RolloutStatus.PAUSED), why)) {
            repository.event(r.id(), null, null, "PAUSED_AT_DISAGREEMENT", why);
            audit.record("system", "ROLLOUT_PAUSED", "rollout " + r.id(), why);
            meters.counter("maskgate.rollouts.paused", "reason", "disagreement").increment();
            log.warn("rollout {} paused: {}", r.id(), why);
        }
        return true;
    }

    private void timeOut(Rollout r, Action a, String why) {
        if (repository.moveAction(a.actionId(), a.status(), a.status().stop(ActionStatus.TIMED_OUT), why, 0, 0,
                clock.instant())) {
            repository.event(r.id(), a.actionId(), a.unitId(), "TIMED_OUT", why);
            meters.counter("maskgate.ota.actions", "status", "TIMED_OUT", "reason", "deadline").increment();
            cancel(a); // null-safe: a unit deleted (or whose key cannot be read) gets no CANCEL
        }
    }

    private boolean offer(Rollout r, Action a, Instant now) {
        OtaCommand c = command(a, OtaKind.INSTALL);
        if (c == null) {
            return false;
        }
        actionVersions.put(a.actionId(), a.version());
        if (!gateway.send(c)) {
            return false;
        }
        repository.markSent(a.actionId(), now);
        repository.event(r.id(), a.actionId(), a.unitId(), "OFFER_SENT", a.version());
        return true;
    }

    /** A signed command for an action; null when the unit or the manifest is gone. */
    OtaCommand command(Action a, OtaKind kind) {
        Optional<UnitRegistry.CachedUnit> unit = units.unit(a.unitId());
        if (unit.isEmpty()) {
            return null;
        }
        String manifest = null;
        if (kind == OtaKind.INSTALL) {
            manifest = manifests.computeIfAbsent(a.version(), v -> models.manifestText(v).orElse(null));
            if (manifest == null) {
                return null;
            }
        }
        long now = clock.millis();
        int chunk = Math.max(Limits.MIN_CHUNK_BYTES, Math.min(Limits.MAX_CHUNK_BYTES,
                properties.delivery().chunkSize()));
        return Signer.sign(OtaCommand.unsigned(a.unitId(), a.actionId(), kind, a.version(), manifest, chunk, now,
                now + properties.rollouts().commandTtl().toMillis()), unit.get().key());
    }

    /** Sends CANCEL for an action that was offered (best effort: the unit also checks before activating). */
    void cancel(Action a) {
        OtaCommand c = command(a, OtaKind.CANCEL);
        if (c != null) {
            gateway.send(c);
        }
    }

    @Override
    public void onReport(OtaReport report) {
        repository.runningVersion(report.unitId(), report.runningVersion());
        meters.counter("maskgate.ota.reports", "state", report.state().name(), "reason",
                report.reason() == null ? "none" : report.reason().split("[: ]")[0]).increment();
        Optional<Action> found = repository.action(report.actionId());
        if (found.isEmpty() || !found.get().unitId().equals(report.unitId())) {
            return;
        }
        Action a = found.get();
        ActionStatus next = a.status().on(report.state());
        repository.event(a.rolloutId(), a.actionId(), a.unitId(), report.state().name(), report.reason() == null
                ? "running " + report.runningVersion() : report.reason() + "; running " + report.runningVersion());
        if (next != a.status()) {
            repository.moveAction(a.actionId(), a.status(), next, report.reason(), report.bytes(),
                    report.arenaBytes(), clock.instant());
        }
    }

    @Override
    public OtaChunk onFetch(OtaFetch fetch) {
        String version = actionVersions.get(fetch.actionId());
        if (version == null) {
            Optional<Action> a = repository.action(fetch.actionId());
            if (a.isEmpty() || !a.get().unitId().equals(fetch.unitId()) || a.get().status().terminal()) {
                return null;
            }
            version = a.get().version();
            actionVersions.put(fetch.actionId(), version);
        }
        byte[] bytes = modelBytes.computeIfAbsent(version, models::bytes);
        if (fetch.offset() >= bytes.length) {
            return null;
        }
        int n = (int) Math.min(fetch.length(), bytes.length - fetch.offset());
        byte[] part = java.util.Arrays.copyOfRange(bytes, (int) fetch.offset(), (int) fetch.offset() + n);
        bytesSent.computeIfAbsent(fetch.actionId(), k -> new AtomicLong()).addAndGet(n);
        return OtaChunk.of(fetch.unitId(), fetch.actionId(), fetch.offset(), bytes.length, part);
    }

    private void flushBytesSent() {
        for (Map.Entry<String, AtomicLong> e : bytesSent.entrySet()) {
            long n = e.getValue().getAndSet(0);
            if (n > 0) {
                repository.addBytesSent(e.getKey(), n);
            }
        }
    }

    @Override
    public void stop() {
        running = false;
        if (timer != null) {
            timer.shutdownNow();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return io.maskgate.service.event.EventWriter.PHASE + 950;
    }
}
