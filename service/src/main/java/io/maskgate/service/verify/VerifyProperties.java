package io.maskgate.service.verify;

import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * Float re-verification settings ({@code maskgate.verify.*}; defaults in application.yml).
 *
 * @param modelsDir      where the float models live when the registry has none for a version:
 *                       {@code <modelsDir>/<modelVersion>/saved_model}
 * @param queueCapacity  crops waiting for the float model; beyond it a crop is UNVERIFIED (door stays locked)
 * @param maxBatch       crops one worker runs through the model at once under load
 * @param workers        verifier threads (each runs one batch at a time)
 * @param maxModels      float model versions kept loaded at once (least recently used one is closed)
 * @param holdFor        how long an uncertain decision waits for its frame (later frames: UNKNOWN_DECISION)
 * @param maxHeld        uncertain decisions held at once; beyond it a decision cannot be verified
 * @param frameRetention how long a stored crop is kept before the purge deletes it
 * @param purgeInterval  how often the retention purge runs
 * @param earlyFrameWait how long a frame that overtook its decision (broker ordering) waits for it
 * @param modelCache     where float models from the registry ({@code model_versions.float_zip}) are unpacked,
 *                       one folder per version and zip hash (also the gate's scratch space)
 * @param maxFloatModelBytes cap on the bytes one float model zip may unpack to (a zip bomb stops there)
 */
@ConfigurationProperties("maskgate.verify")
public record VerifyProperties(Path modelsDir, int queueCapacity, int maxBatch, int workers, int maxModels,
                               Duration holdFor, int maxHeld, Duration frameRetention, Duration purgeInterval,
                               Duration earlyFrameWait, Path modelCache, DataSize maxFloatModelBytes) {
}
