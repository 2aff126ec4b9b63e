package io.maskgate.service.verify;

import io.maskgate.service.audit.AuditLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;

/**
 * Deletes stored crops past their retention (default 7 days; {@code maskgate.verify.frame-retention}). Each run
 * that deletes something is logged and written to the audit log (actor {@code system}, action FRAME_PURGE).
 * Events and verdicts stay: only the pictures go.
 */
public class FramePurge {

    private static final Logger log = LoggerFactory.getLogger(FramePurge.class);

    private final JdbcClient jdbc;
    private final AuditLog audit;
    private final VerifyProperties properties;

    public FramePurge(JdbcClient jdbc, AuditLog audit, VerifyProperties properties) {
        this.jdbc = jdbc;
        this.audit = audit;
        this.properties = properties;
    }

    @Scheduled(fixedDelayString = "${maskgate.verify.purge-interval}",
            initialDelayString = "${maskgate.verify.purge-interval}")
    public int purge() {
        int deleted = jdbc.sql("DELETE FROM frames WHERE expires_at <= now()").update();
        if (deleted > 0) {
            log.info("frame retention purge: deleted {} stored crops older than {}", deleted,
                    properties.frameRetention());
            audit.record("system", "FRAME_PURGE", "frames",
                    "deleted=" + deleted + " retention=" + properties.frameRetention());
        } else {
            log.debug("frame retention purge: nothing past {}", properties.frameRetention());
        }
        return deleted;
    }
}
