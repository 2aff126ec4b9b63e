package io.maskgate.service.verify;

import io.maskgate.service.security.SecretCipher;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Writes verdicts and (encrypted) crops off the ingest and verifier threads: one writer thread behind a bounded
 * queue. A full queue is counted ({@code maskgate.verify.store.dropped}) and logged, never silent.
 */
public class VerificationStore implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(VerificationStore.class);

    /** One row of frame_verifications. */
    public record Row(String unitId, long seq, String doorId, Instant decidedAt, boolean enforced, String int8Model,
                      String int8Label, int int8Score, String status, String reason, Double floatProbability,
                      String floatLabel, Double verifyMs, Double decisionMs, String doorOutcome) {
    }

    private final JdbcClient jdbc;
    private final SecretCipher cipher;
    private final VerifyMetrics metrics;
    private final Duration retention;
    private final ThreadPoolExecutor writer;

    public VerificationStore(JdbcClient jdbc, SecretCipher cipher, VerifyMetrics metrics, Duration retention) {
        this.jdbc = jdbc;
        this.cipher = cipher;
        this.metrics = metrics;
        this.retention = retention;
        this.writer = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(10_000),
                r -> {
                    Thread t = new Thread(r, "verify-store");
                    t.setDaemon(true);
                    return t;
                });
    }

    public Duration retention() {
        return retention;
    }

    /** The owner string a crop is sealed to (AES-GCM associated data): a sealed crop cannot be moved to another decision. */
    static String owner(String unitId, long seq) {
        return "frame:" + unitId + ":" + seq;
    }

    public void saveFrame(String unitId, long seq, String doorId, Instant receivedAt, byte[] image) {
        submit(() -> jdbc.sql("""
                INSERT INTO frames (unit_id, seq, door_id, received_at, expires_at, image_enc) VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT (unit_id, seq) DO NOTHING
                """).params(unitId, seq, doorId, Timestamp.from(receivedAt), Timestamp.from(receivedAt.plus(retention)),
                cipher.encrypt(image, owner(unitId, seq))).update(), "frame of " + unitId + "/" + seq);
    }

    /** Inserts or completes a verification row (a LATE verdict after a NO_FRAME/UNVERIFIED deadline row). */
    public void verification(Row r) {
        submit(() -> jdbc.sql("""
                INSERT INTO frame_verifications (unit_id, seq, door_id, decided_at, enforced, int8_model, int8_label,
                       int8_score, status, reason, float_model, float_probability, float_label, verify_ms,
                       decision_ms, door_outcome)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (unit_id, seq) DO UPDATE SET status = EXCLUDED.status,
                       reason = COALESCE(EXCLUDED.reason, frame_verifications.reason),
                       float_model = COALESCE(EXCLUDED.float_model, frame_verifications.float_model),
                       float_probability = COALESCE(EXCLUDED.float_probability, frame_verifications.float_probability),
                       float_label = COALESCE(EXCLUDED.float_label, frame_verifications.float_label),
                       verify_ms = COALESCE(EXCLUDED.verify_ms, frame_verifications.verify_ms),
                       decision_ms = COALESCE(EXCLUDED.decision_ms, frame_verifications.decision_ms),
                       door_outcome = COALESCE(frame_verifications.door_outcome, EXCLUDED.door_outcome),
                       updated_at = now()
                """).params(r.unitId(), r.seq(), r.doorId(), Timestamp.from(r.decidedAt()), r.enforced(),
                r.int8Model(), r.int8Label(), r.int8Score(), r.status(), r.reason(),
                r.floatProbability() == null ? null : r.int8Model(), r.floatProbability(), r.floatLabel(),
                r.verifyMs(), r.decisionMs(), r.doorOutcome()).update(), "verification of " + r.unitId() + "/" + r.seq());
    }

    /** The decrypted crop of a decision, if one is kept (synchronous: for the API). */
    public Optional<byte[]> frame(String unitId, long seq) {
        return jdbc.sql("SELECT image_enc FROM frames WHERE unit_id = ? AND seq = ? AND expires_at > now()")
                .params(unitId, seq).query((rs, i) -> rs.getBytes(1)).optional()
                .map(enc -> cipher.decrypt(enc, owner(unitId, seq)));
    }

    /** Opens a crop sealed by {@link #saveFrame} for (unitId, seq). */
    public byte[] unseal(String unitId, long seq, byte[] sealed) {
        return cipher.decrypt(sealed, owner(unitId, seq));
    }

    /** When a decision's kept crop expires, if one is kept. */
    public Optional<Instant> frameExpiry(String unitId, long seq) {
        return jdbc.sql("SELECT expires_at FROM frames WHERE unit_id = ? AND seq = ? AND expires_at > now()")
                .params(unitId, seq).query((rs, i) -> rs.getTimestamp(1).toInstant()).optional();
    }

    /** Blocks until everything submitted so far is written (tests, shutdown). */
    public boolean drain(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (writer.getQueue().size() + writer.getActiveCount() > 0) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(5);
        }
        return true;
    }

    private void submit(Runnable write, String what) {
        try {
            writer.execute(() -> {
                try {
                    write.run();
                } catch (RuntimeException e) {
                    metrics.storeDropped();
                    log.error("re-verification store: cannot write {}: {}", what, e.getMessage());
                }
            });
        } catch (RejectedExecutionException e) {
            metrics.storeDropped();
            log.error("re-verification store queue full: {} not written", what);
        }
    }

    @Override
    public void close() {
        writer.shutdown();
        try {
            writer.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
