package io.maskgate.agent.ota;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Slots in memory (simulated units: the storage object outlives the unit's simulated restarts). */
public final class MemorySlotStorage implements SlotStorage {

    private final Map<String, Slot> slots = new ConcurrentHashMap<>();
    private volatile State state = State.initial();

    @Override
    public Optional<Slot> read(String slot) {
        return Optional.ofNullable(slots.get(slot));
    }

    @Override
    public void write(String slot, Slot content) {
        slots.put(slot, content);
    }

    @Override
    public void erase(String slot) {
        slots.remove(slot);
    }

    @Override
    public State state() {
        return state;
    }

    @Override
    public void save(State state) {
        this.state = state;
    }
}
