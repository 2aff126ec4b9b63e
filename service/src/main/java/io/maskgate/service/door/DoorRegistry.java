package io.maskgate.service.door;

import io.maskgate.protocol.Credentials;
import io.maskgate.protocol.HmacKey;
import io.maskgate.protocol.KeyLookup;
import io.maskgate.service.security.SecretCipher;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * In-memory view of doors, policies and actuator keys, so the door path never waits on the database. Refreshed
 * at start, on every change made through this service, and periodically (other replicas' changes).
 */
@Component
public class DoorRegistry {

    private static final Logger log = LoggerFactory.getLogger(DoorRegistry.class);

    /** A door as the hot path needs it. */
    public record CachedDoor(Door door, HmacKey actuatorKey) {
    }

    private final DoorRepository repository;
    private final SecretCipher cipher;
    private volatile Map<String, CachedDoor> doors = Map.of();
    /** Orders refresh against reloadAll: a full reload never installs rows older than a refresh it overlapped. */
    private final Object lock = new Object();
    private long generation;
    private final Map<String, Long> refreshedAt = new java.util.HashMap<>();

    public DoorRegistry(DoorRepository repository, SecretCipher cipher) {
        this.repository = repository;
        this.cipher = cipher;
        reloadAll();
    }

    public Optional<CachedDoor> find(String doorId) {
        return Optional.ofNullable(doors.get(doorId));
    }

    /** Actuator keys for verifying acks. */
    public KeyLookup actuatorKeys() {
        return id -> find(id).map(d -> Credentials.enabled(d.actuatorKey()));
    }

    @Scheduled(fixedDelayString = "${maskgate.cache-refresh}", initialDelayString = "${maskgate.cache-refresh}")
    public void reloadAll() {
        long start;
        synchronized (lock) {
            start = generation;
        }
        Map<String, CachedDoor> fresh = new ConcurrentHashMap<>();
        for (DoorRepository.StoredDoor stored : repository.findAll()) {
            try {
                fresh.put(stored.door().id(), toCached(stored));
            } catch (RuntimeException e) {
                log.error("door {} skipped: {}", stored.door().id(), e.getMessage());
            }
        }
        synchronized (lock) {
            // a refresh that ran while we read the table saw newer rows than ours: keep its result
            refreshedAt.forEach((id, gen) -> {
                if (gen > start) {
                    CachedDoor current = doors.get(id);
                    if (current != null) {
                        fresh.put(id, current);
                    } else {
                        fresh.remove(id);
                    }
                }
            });
            refreshedAt.values().removeIf(gen -> gen <= start);
            doors = fresh;
        }
    }

    /** Re-reads one door after a change (or drops it when deleted). */
    public void refresh(String doorId) {
        synchronized (lock) {
            Optional<DoorRepository.StoredDoor> stored = repository.find(doorId);
            Map<String, CachedDoor> copy = new ConcurrentHashMap<>(doors);
            if (stored.isPresent()) {
                copy.put(doorId, toCached(stored.get()));
            } else {
                copy.remove(doorId);
            }
            doors = copy;
            refreshedAt.put(doorId, ++generation);
        }
    }

    private CachedDoor toCached(DoorRepository.StoredDoor stored) {
        byte[] raw = cipher.decrypt(stored.actuatorKeyEnc(), "door:" + stored.door().id());
        return new CachedDoor(stored.door(), HmacKey.ofBytes(raw));
    }
}
