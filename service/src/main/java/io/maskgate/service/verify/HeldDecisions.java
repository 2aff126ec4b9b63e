package io.maskgate.service.verify;

import io.maskgate.protocol.FrameState;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The uncertain decisions this service holds, waiting for their frames: the {@link FrameState} a frame is
 * checked against (a frame is accepted only for a decision held here, from the unit that made it, once).
 * Bounded in count and in time: an entry older than {@code holdForMs} is forgotten.
 */
public final class HeldDecisions implements FrameState {

    private record Key(String unitId, long seq) {
    }

    private final ConcurrentMap<Key, UncertainDecision> held = new ConcurrentHashMap<>();
    private volatile java.util.function.BiConsumer<String, Long> onHold = (unit, seq) -> { };
    private final int max;
    private final long holdForNanos;

    public HeldDecisions(int max, long holdForMs) {
        this.max = max;
        this.holdForNanos = holdForMs * 1_000_000L;
    }

    /** Holds a decision; false when full even after forgetting expired ones. */
    public boolean hold(UncertainDecision d) {
        if (held.size() >= max) {
            forgetExpired(System.nanoTime());
            if (held.size() >= max) {
                return false;
            }
        }
        held.put(new Key(d.decision().unitId(), d.decision().seq()), d);
        onHold.accept(d.decision().unitId(), d.decision().seq());
        return true;
    }

    /** Called with (unitId, seq) each time a decision is held (a frame that came first may be waiting for it). */
    public void onHold(java.util.function.BiConsumer<String, Long> listener) {
        this.onHold = listener;
    }

    public Optional<UncertainDecision> get(String unitId, long seq) {
        UncertainDecision d = held.get(new Key(unitId, seq));
        return d == null || expired(d, System.nanoTime()) ? Optional.empty() : Optional.of(d);
    }

    @Override
    public Optional<FrameState.HeldDecision> held(String unitId, long seq) {
        return get(unitId, seq).map(d -> new FrameState.HeldDecision(d.decision().doorId(), d.decision().score()));
    }

    @Override
    public boolean claim(String unitId, long seq) {
        return get(unitId, seq).map(UncertainDecision::claimFrame).orElse(false);
    }

    /** Gives a claimed frame slot back (the frame's image was refused): a correct frame may still come. */
    public void release(String unitId, long seq) {
        get(unitId, seq).ifPresent(UncertainDecision::releaseFrame);
    }

    public int size() {
        return held.size();
    }

    /** Drops entries past their hold time. */
    public void forgetExpired(long nowNanos) {
        held.values().removeIf(d -> expired(d, nowNanos));
    }

    private boolean expired(UncertainDecision d, long nowNanos) {
        return nowNanos - d.arrivedNanos() > holdForNanos;
    }
}
