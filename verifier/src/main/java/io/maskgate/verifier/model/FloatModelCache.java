package io.maskgate.verifier.model;

import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Float models by version, loaded on first use and kept for the next frames. During a rollout several versions
 * are live, so more than one may be loaded, but never more than {@code maxModels} (each costs its weights and a
 * TensorFlow session): the least recently used one is closed once nobody is running it. A version whose folder
 * is missing or does not load is remembered as unavailable (no reload storm), and reported as such.
 */
public final class FloatModelCache implements AutoCloseable {

    /** A model lent to one caller; close it to give it back. */
    public final class Lease implements AutoCloseable {
        private final Entry entry;
        private boolean closed;

        private Lease(Entry entry) {
            this.entry = entry;
        }

        public FloatNetwork model() {
            return entry.model;
        }

        @Override
        public void close() {
            synchronized (FloatModelCache.this) {
                if (!closed) {
                    closed = true;
                    entry.users--;
                    evictIdle();
                }
            }
        }
    }

    private static final class Entry {
        final FloatNetwork model;
        int users;

        Entry(FloatNetwork model) {
            this.model = model;
        }
    }

    private final ModelCatalog catalog;
    private final Function<Path, FloatNetwork> loader;
    private final int maxModels;
    private final LinkedHashMap<String, Entry> loaded = new LinkedHashMap<>(8, 0.75f, true);
    private final Map<String, String> unavailable = new LinkedHashMap<>();
    private long loads;

    public FloatModelCache(ModelCatalog catalog, int maxModels) {
        this(catalog, maxModels, ServingModel::load);
    }

    /** With a custom loader (tests). */
    public FloatModelCache(ModelCatalog catalog, int maxModels, Function<Path, FloatNetwork> loader) {
        if (maxModels < 1) {
            throw new IllegalArgumentException("maxModels must be >= 1");
        }
        this.catalog = catalog;
        this.maxModels = maxModels;
        this.loader = loader;
    }

    /**
     * The model of a version, loading it if needed (the caller's thread pays the load once).
     *
     * @throws ModelLoadException when the version has no float model or it does not load
     */
    public synchronized Lease acquire(String modelVersion) {
        Entry e = loaded.get(modelVersion);
        if (e == null) {
            String why = unavailable.get(modelVersion);
            if (why != null) {
                throw new ModelLoadException(why);
            }
            try {
                Optional<Path> dir = catalog.savedModel(modelVersion);
                if (dir.isEmpty()) {
                    throw new ModelLoadException("no float model for version " + modelVersion + " under "
                            + catalog.root());
                }
                e = new Entry(loader.apply(dir.get()));
                loads++;
            } catch (ModelLoadException ex) {
                throw remember(modelVersion, ex.getMessage());
            }
            loaded.put(modelVersion, e);
        }
        e.users++;
        evictIdle();
        return new Lease(e);
    }

    private ModelLoadException remember(String version, String why) {
        if (unavailable.size() >= 256) { // bounded: unknown versions are attacker-chosen strings
            unavailable.remove(unavailable.keySet().iterator().next());
        }
        unavailable.put(version, why);
        return new ModelLoadException(why);
    }

    /** Forgets versions remembered as unavailable (a model was added to the folder). */
    public synchronized void retryUnavailable() {
        unavailable.clear();
    }

    private void evictIdle() {
        for (Iterator<Map.Entry<String, Entry>> it = loaded.entrySet().iterator();
             it.hasNext() && loaded.size() > maxModels; ) {
            Entry e = it.next().getValue();
            if (e.users == 0) {
                it.remove();
                e.model.close();
            }
        }
    }

    /** Versions loaded now, least recently used first. */
    public synchronized java.util.List<String> loadedVersions() {
        return java.util.List.copyOf(loaded.keySet());
    }

    /** How many loads happened (a model loaded twice was evicted in between). */
    public synchronized long loads() {
        return loads;
    }

    @Override
    public synchronized void close() {
        loaded.values().forEach(e -> e.model.close());
        loaded.clear();
    }
}
