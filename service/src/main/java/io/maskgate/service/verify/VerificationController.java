package io.maskgate.service.verify;

import io.maskgate.verifier.VerificationQueue;
import io.maskgate.verifier.model.FloatModelCache;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** The re-verification settings an operator may need to know, the frame retention first. */
@RestController
@Tag(name = "verification", description = "Float re-verification of uncertain decisions")
public class VerificationController {

    /**
     * @param frameRetention      ISO-8601 duration crops are kept (then purged; events and verdicts stay)
     * @param frameRetentionHours the same in hours
     * @param defaultDeadlineMs   a door's float-verdict deadline unless set
     * @param queueCapacity       crops that may wait for the float model
     * @param queueDepth          crops waiting or being verified now
     * @param loadedModels        float model versions loaded now
     */
    public record Settings(String frameRetention, long frameRetentionHours, int defaultDeadlineMs, int queueCapacity,
                           int queueDepth, int maxBatch, int workers, List<String> loadedModels) {
    }

    private final VerifyProperties properties;
    private final VerificationQueue queue;
    private final FloatModelCache models;

    public VerificationController(VerifyProperties properties, VerificationQueue queue, FloatModelCache models) {
        this.properties = properties;
        this.queue = queue;
        this.models = models;
    }

    @GetMapping("/api/verification")
    @Operation(summary = "Re-verification settings: frame retention, default deadline, queue, loaded float models")
    public Settings settings() {
        return new Settings(properties.frameRetention().toString(), properties.frameRetention().toHours(),
                DoorVerification.DEFAULT_DEADLINE_MS, queue.capacity(), queue.depth(), properties.maxBatch(),
                properties.workers(), models.loadedVersions());
    }
}
