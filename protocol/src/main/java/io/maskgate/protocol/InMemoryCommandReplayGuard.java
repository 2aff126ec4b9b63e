package io.maskgate.protocol;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Bounded in-memory {@link CommandReplayGuard}: forgets ids whose command has expired; when full of unexpired ids
 * it refuses new ones (the door stays locked) rather than forgetting an id that could still be replayed.
 */
public final class InMemoryCommandReplayGuard implements CommandReplayGuard {

    private final int capacity;
    private final Map<String, Long> seen = new LinkedHashMap<>();

    public InMemoryCommandReplayGuard(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be >= 1");
        }
        this.capacity = capacity;
    }

    @Override
    public synchronized boolean firstUse(String commandId, long expiresAt, long now) {
        if (seen.containsKey(commandId)) {
            return false;
        }
        if (seen.size() >= capacity) {
            for (Iterator<Long> it = seen.values().iterator(); it.hasNext(); ) {
                if (it.next() <= now) {
                    it.remove();
                }
            }
            if (seen.size() >= capacity) {
                return false;
            }
        }
        seen.put(commandId, expiresAt);
        return true;
    }

    public synchronized int size() {
        return seen.size();
    }
}
