package io.maskgate.service.rollout;

import io.maskgate.service.mqtt.UnitPresence;
import io.maskgate.service.unit.Unit;
import io.maskgate.service.unit.UnitRepository;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import org.springframework.stereotype.Component;

/**
 * Resolves a rollout's target filter to units (enabled units only) and splits them into groups: a canary of N
 * units, then waves at cumulative percentages of the rest, shuffled with a seed of the rollout id or kept together
 * by door. Also adds units that match the filter but appeared after creation (dynamic targeting) to the last group.
 */
@Component
public class RolloutTargets {

    private final UnitRepository units;
    private final RolloutRepository repository;
    private final UnitPresence presence;

    public RolloutTargets(UnitRepository units, RolloutRepository repository, UnitPresence presence) {
        this.units = units;
        this.repository = repository;
        this.presence = presence;
    }

    /** Enabled units matching a filter, sorted by id. */
    public List<Unit> resolve(String type, List<String> values) {
        Set<String> wanted = new HashSet<>(values == null ? List.of() : values);
        Set<String> tagged = type.equals("TAGS") ? new HashSet<>(repository.unitsTagged(List.copyOf(wanted)))
                : Set.of();
        List<Unit> out = new ArrayList<>();
        for (UnitRepository.StoredUnit s : units.findAll()) {
            Unit u = s.unit();
            if (!u.enabled()) {
                continue;
            }
            boolean match = switch (type) {
                case "ALL" -> true;
                case "DOORS" -> wanted.contains(u.doorId());
                case "UNITS" -> wanted.contains(u.id());
                case "TAGS" -> tagged.contains(u.id());
                default -> throw new IllegalArgumentException("target type must be ALL, DOORS, TAGS or UNITS");
            };
            if (match) {
                out.add(u);
            }
        }
        return out;
    }

    /** Splits units into [canary, waves...]; empty groups are dropped. */
    public static List<List<Unit>> split(List<Unit> units, int canary, List<Integer> waves, String order, long seed) {
        List<Unit> ordered = new ArrayList<>(units);
        if ("BY_DOOR".equals(order)) {
            ordered.sort(Comparator.comparing(Unit::doorId).thenComparing(Unit::id));
        } else {
            Collections.shuffle(ordered, new Random(seed));
        }
        List<List<Unit>> groups = new ArrayList<>();
        int c = Math.min(canary, ordered.size());
        if (c > 0) {
            groups.add(List.copyOf(ordered.subList(0, c)));
        }
        List<Unit> rest = ordered.subList(c, ordered.size());
        int from = 0;
        for (int pct : waves) {
            int to = (int) Math.ceil(rest.size() * Math.min(100, pct) / 100.0);
            if (to > from) {
                groups.add(List.copyOf(rest.subList(from, to)));
                from = to;
            }
        }
        if (from < rest.size()) {
            groups.add(List.copyOf(rest.subList(from, rest.size())));
        }
        return groups;
    }

    /** A new action id: unique, a valid protocol id. */
    public static String newActionId() {
        return "a" + UUID.randomUUID().toString().replace("-", "").substring(0, 20);
    }

    /** Units that match an INSTALL rollout's filter but have no action yet go to its last group. */
    void addLateUnits(Rollout r, List<RolloutGroup> groups) {
        if (!"INSTALL".equals(r.kind()) || groups.isEmpty()) {
            return;
        }
        List<String> values = r.targetValues().isEmpty() ? List.of() : Arrays.asList(r.targetValues().split(","));
        Set<String> have = new HashSet<>();
        repository.actions(r.id()).forEach(a -> have.add(a.unitId()));
        RolloutGroup last = groups.get(groups.size() - 1);
        for (Unit u : resolve(r.targetType(), values)) {
            if (!have.contains(u.id())) {
                repository.insertAction(newActionId(), r.id(), last.id(), u.id(), r.modelVersion(),
                        previousVersion(u.id()));
                repository.event(r.id(), null, u.id(), "UNIT_ADDED", "matches the target filter");
            }
        }
    }

    String previousVersion(String unitId) {
        return repository.runningVersion(unitId).or(() -> presence.modelVersion(unitId)).orElse(null);
    }
}
