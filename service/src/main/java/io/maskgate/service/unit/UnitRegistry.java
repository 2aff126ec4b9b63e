package io.maskgate.service.unit;

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
 * In-memory unit keys and door assignments for the decision hot path (never a database round trip per
 * decision). Refreshed at start, on every change made through this service, and periodically.
 */
@Component
public class UnitRegistry implements KeyLookup {

    private static final Logger log = LoggerFactory.getLogger(UnitRegistry.class);

    /** What the hot path needs to know about a unit. */
    public record CachedUnit(String id, String doorId, boolean enabled, HmacKey key) {
    }

    private final UnitRepository repository;
    private final SecretCipher cipher;
    private volatile Map<String, CachedUnit> units = Map.of();
    /** Orders refresh against reloadAll: a full reload never installs rows older than a refresh it overlapped. */
    private final Object lock = new Object();
    private long generation;
    private final Map<String, Long> refreshedAt = new java.util.HashMap<>();

    public UnitRegistry(UnitRepository repository, SecretCipher cipher) {
        this.repository = repository;
        this.cipher = cipher;
        reloadAll();
    }

    @Override
    public Optional<Credentials> find(String unitId) {
        CachedUnit unit = units.get(unitId);
        return unit == null ? Optional.empty() : Optional.of(new Credentials(unit.key(), unit.enabled()));
    }

    public Optional<CachedUnit> unit(String unitId) {
        return Optional.ofNullable(units.get(unitId));
    }

    @Scheduled(fixedDelayString = "${maskgate.cache-refresh}", initialDelayString = "${maskgate.cache-refresh}")
    public void reloadAll() {
        long start;
        synchronized (lock) {
            start = generation;
        }
        Map<String, CachedUnit> fresh = new ConcurrentHashMap<>();
        for (UnitRepository.StoredUnit stored : repository.findAll()) {
            try {
                fresh.put(stored.unit().id(), toCached(stored));
            } catch (RuntimeException e) {
                log.error("unit {} skipped: {}", stored.unit().id(), e.getMessage());
            }
        }
        synchronized (lock) {
            // a refresh that ran while we read the table saw newer rows than ours: keep its result
            refreshedAt.forEach((id, gen) -> {
                if (gen > start) {
                    CachedUnit current = units.get(id);
                    if (current != null) {
                        fresh.put(id, current);
                    } else {
                        fresh.remove(id);
                    }
                }
            });
            refreshedAt.values().removeIf(gen -> gen <= start);
            units = fresh;
        }
    }

    public void refresh(String unitId) {
        synchronized (lock) {
            Optional<UnitRepository.StoredUnit> stored = repository.find(unitId);
            Map<String, CachedUnit> copy = new ConcurrentHashMap<>(units);
            if (stored.isPresent()) {
                copy.put(unitId, toCached(stored.get()));
            } else {
                copy.remove(unitId);
            }
            units = copy;
            refreshedAt.put(unitId, ++generation);
        }
    }

    private CachedUnit toCached(UnitRepository.StoredUnit stored) {
        Unit u = stored.unit();
        HmacKey key = HmacKey.ofBytes(cipher.decrypt(stored.keyEnc(), "unit:" + u.id()));
        return new CachedUnit(u.id(), u.doorId(), u.enabled(), key);
    }
}
