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

    /** Both verdicts of one uncertain decision (a frame_verifications row). */
    public record VerificationView(String unitId, long seq, String doorId, java.time.Instant decidedAt, boolean enforced,
                                   String int8Model, String int8Label, int int8Score, String status, String reason,
                                   String floatModel, Double floatProbability, String floatLabel, Double verifyMs,
                                   Double decisionMs, String doorOutcome) {
    }

    private final VerifyProperties properties;
    private final VerificationQueue queue;
    private final FloatModelCache models;

    private final org.springframework.jdbc.core.simple.JdbcClient jdbc;

    public VerificationController(VerifyProperties properties, VerificationQueue queue, FloatModelCache models,
                                  org.springframework.jdbc.core.simple.JdbcClient jdbc) {
        this.jdbc = jdbc;
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

    @GetMapping("/api/verification/decisions")
    @Operation(summary = "Uncertain decisions with both verdicts (int8 and float), latencies, model versions and "
            + "the door outcome; newest first, optionally of one unit and/or door")
    public List<VerificationView> decisions(
            @org.springframework.web.bind.annotation.RequestParam(required = false) String unit,
            @org.springframework.web.bind.annotation.RequestParam(required = false) String door,
            @org.springframework.web.bind.annotation.RequestParam(defaultValue = "100") int limit) {
        return jdbc.sql("""
                SELECT * FROM frame_verifications WHERE (CAST(? AS text) IS NULL OR unit_id = ?)
                  AND (CAST(? AS text) IS NULL OR door_id = ?)
                ORDER BY decided_at DESC, unit_id, seq DESC LIMIT ?
                """).params(unit, unit, door, door, Math.max(1, Math.min(1000, limit)))
                .query((rs, i) -> new VerificationView(rs.getString("unit_id"), rs.getLong("seq"),
                        rs.getString("door_id"), rs.getTimestamp("decided_at").toInstant(), rs.getBoolean("enforced"),
                        rs.getString("int8_model"), rs.getString("int8_label"), rs.getInt("int8_score"),
                        rs.getString("status"), rs.getString("reason"), rs.getString("float_model"),
                        number(rs.getObject("float_probability")), rs.getString("float_label"),
                        number(rs.getObject("verify_ms")), number(rs.getObject("decision_ms")),
                        rs.getString("door_outcome"))).list();
    }

    private static Double number(Object o) {
        return o == null ? null : ((Number) o).doubleValue();
    }
}
