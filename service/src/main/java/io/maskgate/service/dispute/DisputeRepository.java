package io.maskgate.service.dispute;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** SQL of disputes (with the kept crop's expiry from frames). */
@Repository
public class DisputeRepository {

    private static final String SELECT = """
            SELECT d.*, f.expires_at AS frame_expires_at
            FROM disputes d LEFT JOIN frames f ON f.unit_id = d.unit_id AND f.seq = d.seq AND f.expires_at > now()
            """;

    /** The decision a dispute names, as the event log has it. */
    public record DisputedDecision(String doorId, String label, Integer score, String modelVersion) {
    }

    private final JdbcClient jdbc;

    public DisputeRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public Optional<DisputedDecision> decision(String unitId, long seq) {
        return jdbc.sql("""
                SELECT door_id, label, score, model_version FROM events
                WHERE kind = 'DECISION' AND outcome = 'ACCEPTED' AND unit_id = ? AND seq = ?
                ORDER BY occurred_at LIMIT 1
                """).params(unitId, seq).query((rs, i) -> new DisputedDecision(rs.getString(1), rs.getString(2),
                (Integer) rs.getObject(3), rs.getString(4))).optional();
    }

    /** Inserts a dispute; empty when this decision is already disputed. */
    public Optional<Long> insert(String unitId, long seq, DisputedDecision d, String actor, Instant at, String note,
                                 String floatStatus) {
        return jdbc.sql("""
                INSERT INTO disputes (unit_id, seq, door_id, int8_label, int8_score, model_version, opened_by,
                                      opened_at, note, float_status)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (unit_id, seq) DO NOTHING RETURNING id
                """).params(unitId, seq, d.doorId(), d.label(), d.score(), d.modelVersion(), actor,
                Timestamp.from(at), note, floatStatus).query(Long.class).optional();
    }

    public void floatVerdict(long id, String status, Double probability, String label, String reason) {
        jdbc.sql("""
                UPDATE disputes SET float_status = ?, float_probability = ?, float_label = ?, float_reason = ?
                WHERE id = ?
                """).params(status, probability, label, reason, id).update();
    }

    /** Settles an open dispute; false when it is already settled (or unknown). */
    public boolean settle(long id, HumanVerdict verdict, String actor, Instant at) {
        return jdbc.sql("""
                UPDATE disputes SET human_verdict = ?, settled_by = ?, settled_at = ?
                WHERE id = ? AND human_verdict IS NULL
                """).params(verdict.name(), actor, Timestamp.from(at), id).update() == 1;
    }

    public Optional<Dispute> find(long id) {
        return jdbc.sql(SELECT + " WHERE d.id = ?").param(id).query(DisputeRepository::map).optional();
    }

    /** Open disputes oldest first, or settled ones (most recently settled first), or all (oldest first). */
    public List<Dispute> list(String status, int limit) {
        String where = switch (status) {
            case "OPEN" -> " WHERE d.human_verdict IS NULL ORDER BY d.opened_at, d.id";
            case "SETTLED" -> " WHERE d.human_verdict IS NOT NULL ORDER BY d.settled_at DESC, d.id DESC";
            default -> " ORDER BY d.opened_at, d.id";
        };
        return jdbc.sql(SELECT + where + " LIMIT ?").param(limit).query(DisputeRepository::map).list();
    }

    /** Settled MASK / NO_MASK disputes whose crop is still kept, with the sealed crop, oldest first. */
    public void forEachHardExample(Consumer<HardExample> each) {
        try (Stream<HardExample> rows = jdbc.sql("""
                SELECT d.id, d.unit_id, d.seq, d.door_id, d.human_verdict, d.model_version, d.int8_label,
                       d.int8_score, d.float_probability, d.settled_by, d.settled_at, f.image_enc
                FROM disputes d JOIN frames f ON f.unit_id = d.unit_id AND f.seq = d.seq AND f.expires_at > now()
                WHERE d.human_verdict IN ('MASK', 'NO_MASK') ORDER BY d.settled_at, d.id
                """).query((rs, i) -> new HardExample(rs.getLong(1), rs.getString(2), rs.getLong(3), rs.getString(4),
                rs.getString(5), rs.getString(6), rs.getString(7), (Integer) rs.getObject(8),
                (Float) rs.getObject(9), rs.getString(10), rs.getTimestamp(11).toInstant(), rs.getBytes(12))).stream()) {
            rows.forEach(each);
        }
    }

    /** A settled dispute's crop (still sealed) and what the export says about it. */
    public record HardExample(long id, String unitId, long seq, String doorId, String label, String modelVersion,
                              String int8Label, Integer int8Score, Float floatProbability, String settledBy,
                              Instant settledAt, byte[] sealedImage) {
    }

    private static Dispute map(ResultSet rs, int row) throws SQLException {
        Timestamp settled = rs.getTimestamp("settled_at");
        Timestamp expires = rs.getTimestamp("frame_expires_at");
        Object p = rs.getObject("float_probability");
        return new Dispute(rs.getLong("id"), rs.getString("unit_id"), rs.getLong("seq"), rs.getString("door_id"),
                rs.getString("int8_label"), (Integer) rs.getObject("int8_score"), rs.getString("model_version"),
                rs.getString("opened_by"), rs.getTimestamp("opened_at").toInstant(), rs.getString("note"),
                rs.getString("float_status"), p == null ? null : ((Number) p).doubleValue(),
                rs.getString("float_label"), rs.getString("float_reason"), rs.getString("human_verdict"),
                rs.getString("settled_by"), settled == null ? null : settled.toInstant(),
                expires == null ? null : expires.toInstant());
    }
}
