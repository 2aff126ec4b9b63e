package io.maskgate.service.ota;

import io.maskgate.service.config.MaskGateProperties;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Every {@code maskgate.ota.*} setting (model registry, validation gate, delivery, rollouts); defaults in
 * application.yml, documented in service/README.md.
 *
 * @param fleetKey     base64url 32-byte Ed25519 seed that signs manifests (or {@code fleetKeyFile})
 * @param fleetKeyFile file holding it; with neither, the zero-setup default generates {@code <data-dir>/fleet.key}
 * @param shippedModel folder of the model registered at first start (model.tflite, labels.txt, model-card.json)
 * @param data         datasets folder the gate's validation folders are relative to
 */
@ConfigurationProperties("maskgate.ota")
public record OtaProperties(String fleetKey, String fleetKeyFile, Path shippedModel, Path data, Gate gate,
                            Delivery delivery, Rollouts rollouts) {

    /** The fleet key (it signs every model manifest) never appears in logs or error messages. */
    @Override
    public String toString() {
        return "OtaProperties[fleetKey=" + MaskGateProperties.Secrets.mask(fleetKey) + ", fleetKeyFile="
                + fleetKeyFile + ", shippedModel=" + shippedModel + ", data=" + data + ", gate=" + gate
                + ", delivery=" + delivery + ", rollouts=" + rollouts + "]";
    }

    /**
     * The validation gate.
     *
     * @param maxModelBytes   int8 file limit
     * @param arenaBudgetBytes tensor arena limit (the camera's RAM budget for the model)
     * @param supportedOps    ops the firmware registers
     * @param validation      folders (relative to {@code data}) holding {label}/*.jpg
     * @param maxImagesPerLabel images taken per label and folder (evenly spaced; keeps the gate fast)
     * @param accuracyMarginPoints a new model may be at most this many percentage points below the deployed one
     * @param selfTests       self-test vectors per manifest
     * @param macsPerSecond   the camera's int8 throughput for the FPS estimate
     * @param minAgreementPercent int8/float label agreement on the validation images a model with a float model
     *                        needs (not measured, and not refused, without a float model or TensorFlow Java)
     * @param maxModelRamBytes the camera's limit for file + arena together (0 = none): on the OpenMV H7 the frame
     *                        buffer left beside the frame, crop and face finder (firmware/maskgate_model.budget),
     *                        so the gate does not pass a model every camera would refuse as over budget
     */
    public record Gate(long maxModelBytes, int arenaBudgetBytes, List<String> supportedOps, List<String> validation,
                       int maxImagesPerLabel, double accuracyMarginPoints, int selfTests, double macsPerSecond,
                       double minAgreementPercent, long maxModelRamBytes) {
    }

    /**
     * @param chunkSize      bytes per chunk a unit fetches
     * @param maxChunkFetchesPerSecond  global cap on chunks served per second (0 = none)
     */
    public record Delivery(int chunkSize, int maxChunkFetchesPerSecond) {
    }

    /**
     * Rollout defaults.
     *
     * @param tick              how often the engine advances rollouts
     * @param actionDeadline    a unit stuck in one state longer counts as failed
     * @param groupDeadline     a group not done by then is finished with its stragglers failed
     * @param commandTtl        lifetime of an OTA command (the unit gives up after it)
     * @param disagreementThreshold  default percent of int8/float disagreement that pauses a rollout
     * @param disagreementMinFrames  default number of re-verified frames needed before that rate counts
     */
    public record Rollouts(Duration tick, Duration actionDeadline, Duration groupDeadline, Duration commandTtl,
                           int disagreementThreshold, int disagreementMinFrames) {
    }
}
