package io.maskgate.service.door;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import io.maskgate.protocol.Keys;
import io.maskgate.service.security.SecretCipher;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The door side of UnitRegistryRaceTest: a periodic reloadAll that read the table before an admin locked one door
 * and deleted another must not, when it finishes after the refreshes of those changes, put the old policy back or
 * bring the deleted door (and its actuator key) back.
 */
class DoorRegistryRaceTest {

    @Test
    void aSlowReloadAllNeverOverwritesANewerRefresh() throws Exception {
        SecretCipher cipher = new SecretCipher(new byte[32]);
        DoorRepository.StoredDoor d1 = stored(cipher, "d1", DoorPolicy.withMinScore(700));
        DoorRepository.StoredDoor d2 = stored(cipher, "d2", DoorPolicy.withMinScore(700));
        DoorPolicy locked = new DoorPolicy(PolicyMode.LOCKED, 700, 1, 1, 5_000, 3_000, null);
        DoorRepository repository = mock(DoorRepository.class);
        CountDownLatch reading = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        when(repository.findAll()).thenReturn(List.of(d1, d2)).thenAnswer(i -> {
            reading.countDown();
            release.await(10, TimeUnit.SECONDS);
            return List.of(d1, d2); // what the table held when the slow read began
        });
        DoorRegistry registry = new DoorRegistry(repository, cipher);
        assertThat(registry.find("d1").orElseThrow().door().policy().mode()).isEqualTo(PolicyMode.ENFORCE);

        CompletableFuture<Void> slowReload = CompletableFuture.runAsync(registry::reloadAll);
        assertThat(reading.await(10, TimeUnit.SECONDS)).isTrue();
        when(repository.find("d1")).thenReturn(Optional.of(stored(cipher, "d1", locked)));
        when(repository.find("d2")).thenReturn(Optional.empty());
        registry.refresh("d1"); // the admin's changes, after the reload began reading
        registry.refresh("d2");
        release.countDown();
        slowReload.get(10, TimeUnit.SECONDS);

        assertThat(registry.find("d1").orElseThrow().door().policy().mode()).as("still LOCKED after the stale reload")
                .isEqualTo(PolicyMode.LOCKED);
        assertThat(registry.find("d2")).as("deleted door back after the stale reload").isEmpty();
    }

    private static DoorRepository.StoredDoor stored(SecretCipher cipher, String id, DoorPolicy policy) {
        return new DoorRepository.StoredDoor(new Door(id, id, policy, Instant.EPOCH),
                cipher.encrypt(Keys.generate().bytes(), "door:" + id));
    }
}
