package io.maskgate.service.verify;

import java.util.Map;
import java.util.Optional;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * The doors' uncertainty bands in memory, so the decision path pays one map lookup for them (nothing else for
 * a decision outside its door's band). Reloaded on change and periodically (other replicas' changes).
 */
@Component
public class DoorBands {

    private final DoorVerificationRepository repository;
    private volatile Map<String, DoorVerification> bands = Map.of();

    public DoorBands(DoorVerificationRepository repository) {
        this.repository = repository;
        reload();
    }

    public Optional<DoorVerification> of(String doorId) {
        return Optional.ofNullable(bands.get(doorId));
    }

    @Scheduled(fixedDelayString = "${maskgate.cache-refresh}", initialDelayString = "${maskgate.cache-refresh}")
    public void reload() {
        bands = Map.copyOf(repository.findAll());
    }
}
