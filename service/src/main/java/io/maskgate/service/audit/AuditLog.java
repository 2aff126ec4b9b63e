package io.maskgate.service.audit;

import java.time.Instant;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** Who changed what: every administrative change and every manual door command is recorded here. */
@Component
public class AuditLog {

    /** One audit entry. */
    public record Entry(long id, Instant at, String actor, String action, String target, String detail) {
    }

    private final JdbcClient jdbc;

    public AuditLog(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public void record(String actor, String action, String target, String detail) {
        jdbc.sql("INSERT INTO audit_log (actor, action, target, detail) VALUES (?, ?, ?, ?)")
                .params(actor, action, target, detail).update();
    }

    /** Newest first, filtered by exact actor, action and target (each optional), at most {@code limit}. */
    public List<Entry> search(String actor, String action, String target, int limit) {
        return jdbc.sql("""
                        SELECT id, at, actor, action, target, detail FROM audit_log
                        WHERE (CAST(? AS text) IS NULL OR actor = ?) AND (CAST(? AS text) IS NULL OR action = ?)
                          AND (CAST(? AS text) IS NULL OR target = ?)
                        ORDER BY id DESC LIMIT ?
                        """)
                .params(actor, actor, action, action, target, target, limit)
                .query((rs, i) -> new Entry(rs.getLong("id"), rs.getTimestamp("at").toInstant(),
                        rs.getString("actor"), rs.getString("action"), rs.getString("target"),
                        rs.getString("detail")))
                .list();
    }

    public List<Entry> latest(int limit) {
        return jdbc.sql("SELECT id, at, actor, action, target, detail FROM audit_log ORDER BY id DESC LIMIT ?")
                .param(limit)
                .query((rs, i) -> new Entry(rs.getLong("id"), rs.getTimestamp("at").toInstant(),
                        rs.getString("actor"), rs.getString("action"), rs.getString("target"),
                        rs.getString("detail")))
                .list();
    }
}
