package io.maskgate.protocol;

import java.util.Map;
import java.util.Optional;

/**
 * Finds the credentials of a unit (for decisions) or a door (for acks). An interface so the service can back it
 * by its database and cache while tests and the agent use a map.
 */
@FunctionalInterface
public interface KeyLookup {

    /** The credentials registered for {@code id}, or empty when unknown. */
    Optional<Credentials> find(String id);

    /** A fixed lookup over a map (id -> credentials). */
    static KeyLookup of(Map<String, Credentials> credentials) {
        Map<String, Credentials> copy = Map.copyOf(credentials);
        return id -> Optional.ofNullable(copy.get(id));
    }
}
