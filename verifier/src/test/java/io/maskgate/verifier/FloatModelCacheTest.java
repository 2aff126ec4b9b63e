package io.maskgate.verifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.maskgate.verifier.model.FloatModelCache;
import io.maskgate.verifier.model.FloatNetwork;
import io.maskgate.verifier.model.ModelCatalog;
import io.maskgate.verifier.model.ModelLoadException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FloatModelCacheTest {

    @TempDir
    Path models;

    private final Set<Path> open = new HashSet<>();
    private final AtomicInteger loads = new AtomicInteger();

    private FloatNetwork fake(Path dir) {
        loads.incrementAndGet();
        open.add(dir);
        return new FloatNetwork() {
            @Override
            public float[] predict(float[] pixels, int n) {
                return new float[n];
            }

            @Override
            public void close() {
                open.remove(dir);
            }
        };
    }

    private void version(String v) throws Exception {
        Files.createDirectories(models.resolve(v).resolve("saved_model"));
        Files.writeString(models.resolve(v).resolve("saved_model/saved_model.pb"), "x");
    }

    @Test
    void loadsLazilyKeepsAtMostMaxModelsAndNeverClosesOneInUse() throws Exception {
        version("v1");
        version("v2");
        version("v3");
        FloatModelCache cache = new FloatModelCache(new ModelCatalog(models), 2, this::fake);
        assertThat(loads).hasValue(0);
        try (FloatModelCache.Lease a = cache.acquire("v1")) {
            cache.acquire("v1").close();
            assertThat(loads).hasValue(1);
            cache.acquire("v2").close();
            cache.acquire("v3").close(); // v1 is the eldest but leased: v2 goes instead
            assertThat(cache.loadedVersions()).containsExactlyInAnyOrder("v1", "v3");
            assertThat(a.model().predict(new float[32 * 32 * 3], 1)).hasSize(1);
        }
        assertThat(open).hasSize(2);
        cache.acquire("v2").close(); // reloads, v1 (now idle, least recent) is closed
        assertThat(loads).hasValue(4);
        assertThat(cache.loadedVersions()).containsExactlyInAnyOrder("v3", "v2");
        assertThat(open).hasSize(2);
        cache.close();
        assertThat(open).isEmpty();
    }

    @Test
    void unknownAndMalformedVersionsAreUnavailableWithoutTouchingTheDisk() {
        FloatModelCache cache = new FloatModelCache(new ModelCatalog(models), 2, this::fake);
        assertThatThrownBy(() -> cache.acquire("nope")).isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("no float model for version nope");
        assertThatThrownBy(() -> cache.acquire("../../etc")).isInstanceOf(ModelLoadException.class);
        assertThatThrownBy(() -> cache.acquire(null)).isInstanceOf(ModelLoadException.class);
        assertThat(loads).hasValue(0);
    }

    @Test
    void aPluggedSourceIsAskedFirstTheFolderIsTheFallbackAndItsRefusalIsRememberedNotThrownThrough()
            throws Exception {
        version("v1");
        version("v2");
        Path registryCopy = models.resolve("from-registry");
        Files.createDirectories(registryCopy);
        java.util.List<String> asked = new java.util.ArrayList<>();
        ModelCatalog catalog = new ModelCatalog(models, v -> {
            asked.add(v);
            return switch (v) {
                case "v1", "only-in-registry" -> java.util.Optional.of(registryCopy);
                case "broken" -> throw new ModelLoadException("float model zip of broken: not a zip file");
                default -> java.util.Optional.empty();
            };
        });
        assertThat(catalog.savedModel("v1")).contains(registryCopy);
        assertThat(catalog.savedModel("only-in-registry")).contains(registryCopy);
        assertThat(catalog.savedModel("v2")).contains(models.resolve("v2/saved_model"));
        assertThat(catalog.savedModel("../v1")).isEmpty();
        assertThat(asked).containsExactly("v1", "only-in-registry", "v2");

        FloatModelCache cache = new FloatModelCache(catalog, 2, this::fake);
        cache.acquire("only-in-registry").close();
        assertThat(open).containsExactly(registryCopy);
        assertThatThrownBy(() -> cache.acquire("broken")).isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("not a zip file");
        int before = asked.size();
        assertThatThrownBy(() -> cache.acquire("broken")).hasMessageContaining("not a zip file");
        assertThat(asked).as("remembered as unavailable: no second unzip").hasSize(before);
    }
}
