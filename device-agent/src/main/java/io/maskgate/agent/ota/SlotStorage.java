package io.maskgate.agent.ota;

import java.io.IOException;
import java.util.Optional;

/**
 * A unit's two model slots (A and B) and the small state that says which is active. A slot's bytes are written
 * whole after a verified download; its manifest is written with it, so a slot without a manifest is never used.
 */
public interface SlotStorage {

    /** Which slot is active, the one before it, and what the activation rule needs after a restart. */
    record State(String active, String previous, boolean confirmed, long activatedAt, int bootsSinceActivation,
                 String lastActionId) {

        public static State initial() {
            return new State("A", null, true, 0, 0, null);
        }

        public State booted() {
            return new State(active, previous, confirmed, activatedAt, bootsSinceActivation + 1, lastActionId);
        }
    }

    /** A slot's content. */
    record Slot(String version, byte[] model, String manifest) {
    }

    Optional<Slot> read(String slot) throws IOException;

    void write(String slot, Slot content) throws IOException;

    /** Marks a slot empty before a download overwrites it. */
    void erase(String slot) throws IOException;

    State state() throws IOException;

    void save(State state) throws IOException;

    static String other(String slot) {
        return "A".equals(slot) ? "B" : "A";
    }
}
