package io.maskgate.protocol;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Held decisions and claimed frames in memory, unbounded: for tests and test vectors. */
public final class InMemoryFrameState implements FrameState {

    private final Map<String, HeldDecision> held = new ConcurrentHashMap<>();
    private final Set<String> claimed = ConcurrentHashMap.newKeySet();

    public void hold(String unitId, long seq, String doorId, int score) {
        held.put(unitId + '\n' + seq, new HeldDecision(doorId, score));
    }

    @Override
    public Optional<HeldDecision> held(String unitId, long seq) {
        return Optional.ofNullable(held.get(unitId + '\n' + seq));
    }

    @Override
    public boolean claim(String unitId, long seq) {
        return claimed.add(unitId + '\n' + seq);
    }
}
