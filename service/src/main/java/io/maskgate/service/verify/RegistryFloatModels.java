package io.maskgate.service.verify;

import io.maskgate.protocol.Hashes;
import io.maskgate.service.model.FloatModelZip;
import io.maskgate.service.model.ModelRepository;
import io.maskgate.verifier.model.ModelLoadException;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;

/**
 * The verifier's first source of float models: the registry's {@code model_versions.float_zip} of a version,
 * unpacked once under the cache folder ({@code <model-cache>/<version>-<sha256 prefix>}, so a folder never holds
 * another zip's files) and reused from there. Empty when the registry has no float model for the version (the
 * models folder is the fallback). A zip that cannot be used throws {@link ModelLoadException} with the reason and is
 * counted; the verifier then answers NO_MODEL for that version's crops (the door stays locked), nothing crashes.
 * Runs on a verifier worker thread (never the MQTT callback), inside the model cache's lock.
 */
public class RegistryFloatModels implements Function<String, Optional<Path>> {

    private static final Logger log = LoggerFactory.getLogger(RegistryFloatModels.class);

    private final ModelRepository repository;
    private final Path cacheDir;
    private final long maxBytes;
    private final VerifyMetrics metrics;

    public RegistryFloatModels(ModelRepository repository, Path cacheDir, long maxBytes, VerifyMetrics metrics) {
        this.repository = repository;
        this.cacheDir = cacheDir.toAbsolutePath().normalize();
        this.maxBytes = maxBytes;
        this.metrics = metrics;
    }

    @Override
    public Optional<Path> apply(String version) {
        Optional<ModelRepository.FloatZip> stored;
        try {
            stored = repository.floatZip(version);
        } catch (DataAccessException e) {
            // the registry is unreachable (database outage): the folder may still have the model
            log.warn("float model of {}: registry unreachable ({}), trying the models folder", version,
                    e.getMessage());
            return Optional.empty();
        }
        if (stored.isEmpty()) {
            return Optional.empty();
        }
        ModelRepository.FloatZip z = stored.get();
        String sha = z.sha256() != null ? z.sha256() : Hashes.sha256Hex(z.zip());
        Path dir = cacheDir.resolve(version + "-" + sha.substring(0, 16));
        try {
            if (!Files.isDirectory(dir)) {
                Path tmp = cacheDir.resolve(".unpacking-" + version + "-" + System.nanoTime());
                FloatModelZip.unpack(z.zip(), z.sha256(), tmp, maxBytes);
                try {
                    Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
                } catch (FileAlreadyExistsException | AtomicMoveNotSupportedException e) {
                    FloatModelZip.delete(tmp); // another replica sharing the folder was first
                } catch (IOException e) {
                    FloatModelZip.delete(tmp);
                    throw new ModelLoadException("cannot keep the float model of " + version + " in " + dir + ": "
                            + e.getMessage(), e);
                }
            }
            Path model = FloatModelZip.modelRoot(dir);
            metrics.floatModelSource("registry");
            return Optional.of(model);
        } catch (FloatModelZip.BadZipException e) {
            metrics.floatModelRefused(e.problem().reason());
            log.warn("float model of {} in the registry refused: {}", version, e.getMessage());
            throw new ModelLoadException("float model of " + version + " in the registry: " + e.getMessage(), e);
        }
    }
}
