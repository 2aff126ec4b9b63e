package io.maskgate.service.unit;

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
 * A periodic reloadAll that read the table before an admin disabled a unit must not put the unit back as enabled
 * when it finishes after the refresh of that change: the disabled unit stays disabled.
 */
class UnitRegistryRaceTest {

    @Test
    void aSlowReloadAllNeverOverwritesANewerRefresh() throws Exception {
        SecretCipher cipher = new SecretCipher(new byte[32]);
        byte[] keyEnc = cipher.encrypt(Keys.generate().bytes(), "unit:u1");
        UnitRepository.StoredUnit enabled = new UnitRepository.StoredUnit(
                new Unit("u1", "u1", "d1", true, 0, Instant.EPOCH), keyEnc);
        UnitRepository.StoredUnit disabled = new UnitRepository.StoredUnit(
                new Unit("u1", "u1", "d1", false, 0, Instant.EPOCH), keyEnc);
        UnitRepository repository = mock(UnitRepository.class);
        CountDownLatch reading = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        when(repository.findAll()).thenReturn(List.of(enabled)).thenAnswer(i -> {
            reading.countDown();
            release.await(10, TimeUnit.SECONDS);
            return List.of(enabled); // what the table held when the slow read began
        });
        UnitRegistry registry = new UnitRegistry(repository, cipher);
        assertThat(registry.unit("u1").orElseThrow().enabled()).isTrue();

        CompletableFuture<Void> slowReload = CompletableFuture.runAsync(registry::reloadAll);
        assertThat(reading.await(10, TimeUnit.SECONDS)).isTrue();
        when(repository.find("u1")).thenReturn(Optional.of(disabled));
        registry.refresh("u1"); // the admin's change, after the reload began reading
        release.countDown();
        slowReload.get(10, TimeUnit.SECONDS);

        assertThat(registry.unit("u1").orElseThrow().enabled()).as("still disabled after the stale reload").isFalse();
    }
}
