package io.maskgate.protocol;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/** Thread-safe in-memory {@link SequenceState}; forgets everything on restart. */
public final class InMemorySequenceState implements SequenceState {

    private final ConcurrentMap<String, Long> last = new ConcurrentHashMap<>();

    @Override
    public long lastSeq(String unitId) {
        return last.getOrDefault(unitId, 0L);
    }

    @Override
    public boolean advance(String unitId, long seq) {
        boolean[] advanced = {false};
        last.compute(unitId, (id, current) -> {
            long previous = current == null ? 0L : current;
            if (seq > previous) {
                advanced[0] = true;
                return seq;
            }
            return current;
        });
        return advanced[0];
    }

    /** Seeds the last seq of a unit (e.g. loaded from storage). */
    public void seed(String unitId, long seq) {
        last.merge(unitId, seq, Math::max);
    }
}
