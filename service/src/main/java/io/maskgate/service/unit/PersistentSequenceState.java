package io.maskgate.service.unit;

import io.maskgate.protocol.SequenceState;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Replay protection that survives restarts without touching the database on the hot path: checked and advanced
 * in memory, seeded at start from {@code units.last_seq}, which the event writer keeps up to date.
 * With several replicas, each also remembers the (unit, seq) pairs the others accepted ({@link ReplicaSequenceSync})
 * for as long as a decision stays fresh: such a pair is a replay here even when this replica's own last seq of the
 * unit is lower. Exact pairs rather than a shared high-water mark, so a decision that merely reaches this replica
 * later than a newer one reached another is not refused.
 */
@Component
@org.springframework.context.annotation.DependsOn("eventWriter") // replays a left-over event journal first
public class PersistentSequenceState implements SequenceState {

    private final ConcurrentMap<String, Long> last = new ConcurrentHashMap<>();
    /** "unit\nseq" accepted by another replica -> when to forget it (System.nanoTime()). */
    private final ConcurrentMap<String, Long> acceptedElsewhere = new ConcurrentHashMap<>();

    @org.springframework.beans.factory.annotation.Autowired
    public PersistentSequenceState(JdbcClient jdbc) {
        jdbc.sql("SELECT unit_id, last_seq FROM units WHERE last_seq > 0")
                .query((rs, i) -> last.put(rs.getString(1), rs.getLong(2))).list();
    }

    /** Seeded from a map instead of the database (tests). */
    PersistentSequenceState(java.util.Map<String, Long> seed) {
        last.putAll(seed);
    }

    @Override
    public long lastSeq(String unitId) {
        return last.getOrDefault(unitId, 0L);
    }

    @Override
    public boolean advance(String unitId, long seq) {
        if (!acceptedElsewhere.isEmpty() && acceptedElsewhere.containsKey(key(unitId, seq))) {
            return false;
        }
        boolean[] advanced = {false};
        last.compute(unitId, (id, current) -> {
            if (current == null || seq > current) {
                advanced[0] = true;
                return seq;
            }
            return current;
        });
        return advanced[0];
    }

    /** Another replica accepted {@code (unitId, seq)}: refuse it here until {@code untilNanos}. */
    public void acceptedElsewhere(String unitId, long seq, long untilNanos) {
        acceptedElsewhere.merge(key(unitId, seq), untilNanos, Math::max);
    }

    /** Drops remembered pairs whose decisions are too old to be accepted anyway (stale). */
    public int forgetExpired(long nowNanos) {
        int before = acceptedElsewhere.size();
        acceptedElsewhere.values().removeIf(until -> until - nowNanos < 0);
        return before - acceptedElsewhere.size();
    }

    public int rememberedElsewhere() {
        return acceptedElsewhere.size();
    }

    private static String key(String unitId, long seq) {
        return unitId + '\n' + seq;
    }

    /** Forgets a deleted unit, so a unit registered again under the same id (with a new key) starts at 1. */
    public void forget(String unitId) {
        last.remove(unitId);
        String prefix = unitId + '\n';
        acceptedElsewhere.keySet().removeIf(k -> k.startsWith(prefix));
    }
}
