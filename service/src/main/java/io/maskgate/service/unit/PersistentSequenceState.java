package io.maskgate.service.unit;

import io.maskgate.protocol.SequenceState;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Replay protection that survives restarts without touching the database on the hot path: checked and advanced
 * in memory, seeded at start from {@code units.last_seq}, which the event writer keeps up to date.
 */
@Component
public class PersistentSequenceState implements SequenceState {

    private final ConcurrentMap<String, Long> last = new ConcurrentHashMap<>();

    public PersistentSequenceState(JdbcClient jdbc) {
        jdbc.sql("SELECT unit_id, last_seq FROM units WHERE last_seq > 0")
                .query((rs, i) -> last.put(rs.getString(1), rs.getLong(2))).list();
    }

    @Override
    public long lastSeq(String unitId) {
        return last.getOrDefault(unitId, 0L);
    }

    @Override
    public boolean advance(String unitId, long seq) {
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

    /** Forgets a deleted unit, so a unit registered again under the same id (with a new key) starts at 1. */
    public void forget(String unitId) {
        last.remove(unitId);
    }
}
