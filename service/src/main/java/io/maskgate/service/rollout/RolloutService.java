package io.maskgate.service.rollout;

import io.maskgate.service.audit.AuditLog;
import io.maskgate.service.model.ModelRegistry;
import io.maskgate.service.model.ModelVersion;
import io.maskgate.service.ota.FleetKeys;
import io.maskgate.service.ota.OtaProperties;
import io.maskgate.service.unit.Unit;
import io.maskgate.service.web.ConflictException;
import io.maskgate.service.web.NotFoundException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Service;

/**
 * Operator actions on rollouts (create, approve, start, pause, resume, cancel, rollback), the kill switch's
 * rollback of a revoked version, and the operators' view. Every action is audited; the engine does the rest.
 */
@Service
public class RolloutService {

    /** Progress of one group: action counts by status. */
    public record GroupView(int idx, String name, GroupStatus status, int units, Map<ActionStatus, Integer> actions) {
    }

    /** A rollout with its groups' progress and failure reasons. */
    public record RolloutView(Rollout rollout, List<GroupView> groups, Map<String, Long> failureReasons,
                              Map<ActionStatus, Integer> totals) {
    }

    private final RolloutRepository repository;
    private final RolloutTargets targets;
    private final RolloutEngine engine;
    private final ModelRegistry models;
    private final FleetKeys fleetKeys;
    private final OtaProperties properties;
    private final AuditLog audit;
    private final Clock clock;

    public RolloutService(RolloutRepository repository, RolloutTargets targets, RolloutEngine engine,
                          ModelRegistry models, FleetKeys fleetKeys, OtaProperties properties, AuditLog audit,
                          Clock clock) {
        this.repository = repository;
        this.targets = targets;
        this.engine = engine;
        this.models = models;
        this.fleetKeys = fleetKeys;
        this.properties = properties;
        this.audit = audit;
        this.clock = clock;
    }

    public synchronized RolloutView create(String actor, RolloutRequest req) {
        fleetKeys.require();
        if (req.version() == null) {
            throw new IllegalArgumentException("version is required");
        }
        ModelVersion model = models.get(req.version());
        if (!model.status().deployable()) {
            throw new ConflictException("model " + model.version() + " is " + model.status()
                    + " and cannot be rolled out");
        }
        RolloutRequest.Target target = req.target() == null ? new RolloutRequest.Target("ALL", List.of())
                : req.target();
        String type = target.type() == null ? "ALL" : target.type().toUpperCase(java.util.Locale.ROOT);
        List<String> values = target.values() == null ? List.of() : target.values();
        List<Unit> units = targets.resolve(type, values);
        int success = bounded("successThreshold", req.successThreshold(), 100);
        int error = bounded("errorThreshold", req.errorThreshold(), 20);
        int rate = req.ratePerMinute() == null ? 0 : req.ratePerMinute();
        if (rate < 0) {
            throw new IllegalArgumentException("ratePerMinute must be >= 0");
        }
        Duration actionDeadline = req.actionDeadline() == null ? properties.rollouts().actionDeadline()
                : req.actionDeadline();
        Duration groupDeadline = req.groupDeadline() == null ? properties.rollouts().groupDeadline()
                : req.groupDeadline();
        DisagreementRule disagreement = new DisagreementRule(
                req.disagreementThreshold() == null ? properties.rollouts().disagreementThreshold()
                        : req.disagreementThreshold(),
                req.disagreementMinFrames() == null ? properties.rollouts().disagreementMinFrames()
                        : req.disagreementMinFrames());
        boolean approval = Boolean.TRUE.equals(req.approval());
        String name = req.name() == null || req.name().isBlank() ? "rollout of " + model.version() : req.name();
        long id = repository.insertRollout(name, "INSTALL", model.version(), approval
                        ? RolloutStatus.WAITING_FOR_APPROVAL : RolloutStatus.READY, type, String.join(",", values),
                success, error, rate, actionDeadline.toMillis(), groupDeadline.toMillis(), approval, actor, null,
                disagreement);
        List<List<Unit>> groups = RolloutTargets.split(units, req.canary() == null ? 1 : req.canary(),
                req.waves() == null || req.waves().isEmpty() ? List.of(50, 100) : req.waves(),
                req.order() == null ? "RANDOM" : req.order().toUpperCase(java.util.Locale.ROOT), id);
        if (groups.isEmpty()) {
            repository.insertGroup(id, 0, "wave 1");
        }
        boolean hasCanary = req.canary() == null || req.canary() > 0;
        Map<String, String> running = repository.runningVersions();
        List<RolloutRepository.NewAction> actions = new ArrayList<>();
        for (int i = 0; i < groups.size(); i++) {
            String groupName = hasCanary && i == 0 ? "canary" : "wave " + (hasCanary ? i : i + 1);
            long gid = repository.insertGroup(id, i, groupName);
            for (Unit u : groups.get(i)) {
                String previous = running.get(u.id());
                actions.add(new RolloutRepository.NewAction(RolloutTargets.newActionId(), gid, u.id(),
                        model.version(), previous != null ? previous : targets.previousVersion(u.id())));
            }
        }
        repository.insertActions(id, actions);
        audit.record(actor, "ROLLOUT_CREATED", "rollout " + id, model.version() + " to " + units.size()
                + " units in " + groups.size() + " groups (" + type + " " + values + ")");
        repository.event(id, null, null, "CREATED", "by " + actor);
        return view(id);
    }

    private static int bounded(String field, Integer value, int fallback) {
        int v = value == null ? fallback : value;
        if (v < 1 || v > 100) {
            throw new IllegalArgumentException(field + " must be 1..100 (percent)");
        }
        return v;
    }

    /** A second admin approves (the creator may not). */
    public RolloutView approve(String actor, long id) {
        Rollout r = get(id);
        if (r.createdBy().equals(actor)) {
            throw new ConflictException("a rollout must be approved by another admin than its creator");
        }
        check(r, RolloutStatus.READY);
        if (!repository.approve(id, actor)) {
            throw new ConflictException("rollout " + id + " changed concurrently");
        }
        audit.record(actor, "ROLLOUT_APPROVED", "rollout " + id, null);
        repository.event(id, null, null, "APPROVED", "by " + actor);
        return view(id);
    }

    public RolloutView start(String actor, long id) {
        return move(actor, id, RolloutStatus.RUNNING, "STARTED", null);
    }

    public RolloutView pause(String actor, long id) {
        return move(actor, id, RolloutStatus.PAUSED, "PAUSED", "paused by " + actor);
    }

    public RolloutView resume(String actor, long id) {
        Rollout r = get(id);
        check(r, RolloutStatus.RUNNING);
        for (RolloutGroup g : repository.groups(id)) {
            if (g.status() == GroupStatus.ERROR) {
                repository.moveGroup(g.id(), g.status().moveTo(GroupStatus.RUNNING), clock.instant(), null);
            }
        }
        return move(actor, id, RolloutStatus.RUNNING, "RESUMED", null);
    }

    /** Stops for good; units with an action in flight are told to cancel (and check again before activating). */
    public synchronized RolloutView cancel(String actor, long id) {
        Rollout r = get(id);
        RolloutView v = move(actor, id, RolloutStatus.CANCELED, "CANCELED", "cancelled by " + actor);
        cancelActions(r, null);
        return v;
    }

    private void cancelActions(Rollout r, Long groupId) {
        for (Action a : repository.actions(r.id())) {
            if (a.status().terminal() || (groupId != null && a.groupId() != groupId)) {
                continue;
            }
            if (repository.moveAction(a.actionId(), a.status(), a.status().stop(ActionStatus.CANCELED),
                    "rollout cancelled", 0, 0, clock.instant()) && a.status() != ActionStatus.SCHEDULED) {
                engine.cancel(a);
            }
        }
        for (RolloutGroup g : repository.groups(r.id())) {
            if ((groupId == null || g.id() == groupId) && g.status().next().contains(GroupStatus.CANCELED)) {
                repository.moveGroup(g.id(), GroupStatus.CANCELED, clock.instant(), null);
            }
        }
    }

    /**
     * Takes the units of a whole rollout (group null) or one group back to the model each ran before: in-flight
     * actions are cancelled, and a ROLLBACK rollout (one group, starts at once) installs every unit's previous
     * version (or the newest other READY version when it is unknown).
     */
    public synchronized RolloutView rollback(String actor, long id, Integer groupIdx) {
        Rollout r = get(id);
        Long groupId = null;
        if (groupIdx != null) {
            groupId = repository.groups(id).stream().filter(g -> g.idx() == groupIdx).findFirst()
                    .orElseThrow(() -> new NotFoundException("rollout " + id + " has no group " + groupIdx)).id();
        } else {
            check(r, RolloutStatus.ROLLED_BACK);
        }
        cancelActions(r, groupId);
        List<Action> undo = new ArrayList<>();
        for (Action a : repository.actions(id)) {
            if ((groupId == null || a.groupId() == groupId) && a.version().equals(r.modelVersion())
                    && repository.runningVersion(a.unitId()).map(v -> v.equals(a.version())).orElse(
                    a.status() == ActionStatus.SUCCEEDED || a.status() == ActionStatus.ACTIVATED)) {
                undo.add(a);
            }
        }
        long rb = createRollback(actor, "ROLLBACK", "rollback of rollout " + id + (groupIdx == null ? ""
                : " group " + groupIdx), id, undo.stream().map(a -> new Undo(a.unitId(), target(a.previousVersion(),
                r.modelVersion()))).toList(), r.actionDeadlineMs());
        if (groupIdx == null) {
            repository.moveRollout(id, r.status(), r.status().moveTo(RolloutStatus.ROLLED_BACK), "rolled back by "
                    + actor + " (rollout " + rb + ")");
        } else {
            for (RolloutGroup g : repository.groups(id)) {
                if (g.id() == groupId && g.status().next().contains(GroupStatus.ROLLED_BACK)) {
                    repository.moveGroup(g.id(), GroupStatus.ROLLED_BACK, clock.instant(), null);
                }
            }
        }
        audit.record(actor, "ROLLOUT_ROLLED_BACK", "rollout " + id, (groupIdx == null ? "whole rollout"
                : "group " + groupIdx) + ": " + undo.size() + " units, rollback rollout " + rb);
        repository.event(id, null, null, "ROLLED_BACK", "rollback rollout " + rb);
        engine.tick();
        return view(rb);
    }

    private String target(String previous, String current) {
        if (previous != null && !previous.equals(current)) {
            Optional<ModelVersion> m = models.list().stream().filter(v -> v.version().equals(previous)).findFirst();
            if (m.isPresent() && m.get().manifest() != null && m.get().status() != io.maskgate.service.model
                    .ModelStatus.REVOKED) {
                return previous;
            }
        }
        return models.newestReady(current).map(ModelVersion::version)
                .orElseThrow(() -> new ConflictException("no READY model to roll back to"));
    }

    private record Undo(String unitId, String version) {
    }

    private long createRollback(String actor, String kind, String name, Long of, List<Undo> undo, long deadlineMs) {
        String versions = undo.stream().map(Undo::version).distinct().sorted().reduce((a, b) -> a + "," + b)
                .orElse(null);
        long rb = repository.insertRollout(name, kind, versions, RolloutStatus.RUNNING, "UNITS",
                String.join(",", undo.stream().map(Undo::unitId).toList()), 100, 100, 0, deadlineMs,
                properties.rollouts().groupDeadline().toMillis(), false, actor, of,
                // never applied to ROLLBACK/REVOKE rollouts (the engine checks INSTALL only); stored for the record
                new DisagreementRule(properties.rollouts().disagreementThreshold(),
                        properties.rollouts().disagreementMinFrames()));
        long gid = repository.insertGroup(rb, 0, "all");
        repository.insertActions(rb, undo.stream().map(u -> new RolloutRepository.NewAction(
                RolloutTargets.newActionId(), gid, u.unitId(), u.version(), null)).toList());
        repository.event(rb, null, null, "CREATED", name + " by " + actor);
        return rb;
    }

    /** Kill switch: stop rollouts of the version and roll every unit running it back to the newest READY one. */
    @EventListener
    public synchronized void onRevoked(ModelRegistry.ModelRevoked revoked) {
        for (Rollout r : repository.activeOf(revoked.version())) {
            repository.moveRollout(r.id(), r.status(), r.status().moveTo(RolloutStatus.CANCELED), "model revoked");
            cancelActions(r, null);
            repository.event(r.id(), null, null, "CANCELED", "model " + revoked.version() + " revoked");
        }
        List<String> on = repository.unitsRunning(revoked.version());
        String to = models.newestReady(revoked.version()).map(ModelVersion::version).orElse(null);
        if (to == null) {
            audit.record(revoked.actor(), "REVOKE_NO_TARGET", revoked.version(), on.size()
                    + " units keep running it: no READY model to roll back to");
            return;
        }
        long rb = createRollback(revoked.actor(), "REVOKE", "revocation of " + revoked.version(), null,
                on.stream().map(u -> new Undo(u, to)).toList(), properties.rollouts().actionDeadline().toMillis());
        audit.record(revoked.actor(), "REVOKE_ROLLBACK", revoked.version(), on.size() + " units to " + to
                + " (rollout " + rb + ")");
        engine.tick();
    }

    private RolloutView move(String actor, long id, RolloutStatus target, String event, String reason) {
        Rollout r = get(id);
        check(r, target);
        if (!repository.moveRollout(id, r.status(), target, reason)) {
            throw new ConflictException("rollout " + id + " changed concurrently; try again");
        }
        audit.record(actor, "ROLLOUT_" + event, "rollout " + id, reason);
        repository.event(id, null, null, event, "by " + actor);
        if (target == RolloutStatus.RUNNING) {
            engine.tick();
        }
        return view(id);
    }

    private static void check(Rollout r, RolloutStatus target) {
        try {
            r.status().moveTo(target);
        } catch (IllegalStateException e) {
            throw new ConflictException("rollout " + r.id() + ": " + e.getMessage());
        }
    }

    public Rollout get(long id) {
        return repository.find(id).orElseThrow(() -> new NotFoundException("rollout " + id + " not found"));
    }

    public List<Rollout> list() {
        return repository.findAll();
    }

    public RolloutView view(long id) {
        Rollout r = get(id);
        List<GroupView> groups = new ArrayList<>();
        Map<ActionStatus, Integer> totals = new TreeMap<>();
        for (RolloutGroup g : repository.groups(id)) {
            Map<ActionStatus, Integer> counts = repository.countByStatus(g.id());
            counts.forEach((k, v) -> totals.merge(k, v, Integer::sum));
            groups.add(new GroupView(g.idx(), g.name(), g.status(),
                    counts.values().stream().mapToInt(Integer::intValue).sum(), counts));
        }
        return new RolloutView(r, groups, repository.failureReasons(id), totals);
    }

    public List<Action> actions(long id) {
        get(id);
        return repository.actions(id);
    }

    public List<Map<String, Object>> events(long id, int limit) {
        get(id);
        return repository.events(id, Math.max(1, Math.min(limit, 10_000)));
    }

    /** Units per running model version, from the units' own reports. */
    public Map<String, Object> fleet() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("unitsByModelVersion", repository.unitsByVersion());
        return out;
    }

    public void setTags(String actor, String unitId, List<String> tags) {
        repository.setTags(unitId, tags == null ? List.of() : tags);
        audit.record(actor, "UNIT_TAGS", unitId, String.valueOf(tags));
    }
}
