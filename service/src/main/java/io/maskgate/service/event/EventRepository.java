package io.maskgate.service.event;

import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.function.Consumer;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Reads the event log, newest first, with keyset (cursor) pagination on (occurred_at, id): stable under
 * concurrent inserts and cheap on a time-partitioned table, unlike OFFSET.
 */
@Repository
public class EventRepository {

    /** One page and the cursor of the next page (null on the last page). */
    public record Page(List<EventView> items, String nextCursor) {
    }

    private static final String COLUMNS = "id, occurred_at, kind, outcome, reason, unit_id, door_id, seq, label, "
            + "score, captured_at, command_id, actor, detail, model_version";

    /** Rows the CSV export fetches per round trip through its cursor. */
    static final int EXPORT_FETCH_SIZE = 1000;

    private final JdbcTemplate jdbc;
    private final TransactionTemplate readOnly;

    public EventRepository(JdbcTemplate jdbc, PlatformTransactionManager transactions) {
        this.jdbc = jdbc;
        this.readOnly = new TransactionTemplate(transactions);
        this.readOnly.setReadOnly(true);
    }

    public Page page(EventQuery query, String cursor, int limit) {
        List<Object> args = new ArrayList<>();
        StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM events WHERE true");
        where(query, sql, args);
        if (cursor != null && !cursor.isBlank()) {
            Cursor c = Cursor.decode(cursor);
            sql.append(" AND (occurred_at, id) < (?, ?)");
            args.add(c.occurredAt().atOffset(ZoneOffset.UTC));
            args.add(c.id());
        }
        sql.append(" ORDER BY occurred_at DESC, id DESC LIMIT ?");
        args.add(limit + 1);
        List<EventView> rows = jdbc.query(sql.toString(), EventRepository::map, args.toArray());
        if (rows.size() <= limit) {
            return new Page(rows, null);
        }
        List<EventView> items = rows.subList(0, limit);
        EventView last = items.get(items.size() - 1);
        return new Page(List.copyOf(items), new Cursor(last.occurredAt(), last.id()).encode());
    }

    /**
     * Streams every matching row (newest first, at most {@code max}) to {@code sink}, for CSV export, through a
     * server-side cursor: PgJDBC honours the fetch size only with autocommit off, so the query runs in a read-only
     * transaction and at most {@link #EXPORT_FETCH_SIZE} rows are in memory at a time (under autocommit every row
     * would land in the heap before the first is written).
     */
    public void stream(EventQuery query, int max, Consumer<EventView> sink) {
        readOnly.executeWithoutResult(status -> streamInTransaction(query, max, sink));
    }

    private void streamInTransaction(EventQuery query, int max, Consumer<EventView> sink) {
        List<Object> args = new ArrayList<>();
        StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM events WHERE true");
        where(query, sql, args);
        sql.append(" ORDER BY occurred_at DESC, id DESC LIMIT ?");
        args.add(max);
        jdbc.query(con -> {
            var ps = con.prepareStatement(sql.toString());
            ps.setFetchSize(EXPORT_FETCH_SIZE);
            for (int i = 0; i < args.size(); i++) {
                ps.setObject(i + 1, args.get(i));
            }
            return ps;
        }, rs -> {
            sink.accept(map(rs, 0));
        });
    }

    private static void where(EventQuery q, StringBuilder sql, List<Object> args) {
        if (q.doorId() != null) {
            sql.append(" AND door_id = ?");
            args.add(q.doorId());
        }
        if (q.unitId() != null) {
            sql.append(" AND unit_id = ?");
            args.add(q.unitId());
        }
        if (q.from() != null) {
            sql.append(" AND occurred_at >= ?");
            args.add(q.from().atOffset(ZoneOffset.UTC));
        }
        if (q.to() != null) {
            sql.append(" AND occurred_at < ?");
            args.add(q.to().atOffset(ZoneOffset.UTC));
        }
        if (q.outcome() != null) {
            sql.append(" AND outcome = ?");
            args.add(q.outcome());
        }
        if (q.kind() != null) {
            sql.append(" AND kind = ?");
            args.add(q.kind().name());
        }
    }

    private static EventView map(ResultSet rs, int row) throws SQLException {
        long seq = rs.getLong("seq");
        Long seqValue = rs.wasNull() ? null : seq;
        int score = rs.getInt("score");
        Integer scoreValue = rs.wasNull() ? null : score;
        return new EventView(rs.getLong("id"), instant(rs.getTimestamp("occurred_at")),
                EventKind.valueOf(rs.getString("kind")), rs.getString("outcome"), rs.getString("reason"),
                rs.getString("unit_id"), rs.getString("door_id"), seqValue, rs.getString("label"), scoreValue,
                instant(rs.getTimestamp("captured_at")), rs.getString("command_id"), rs.getString("actor"),
                rs.getString("detail"), rs.getString("model_version"));
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }

    /** Opaque page cursor: base64url("epochMicros:id"). */
    record Cursor(Instant occurredAt, long id) {
        String encode() {
            long micros = occurredAt.getEpochSecond() * 1_000_000L + occurredAt.getNano() / 1_000;
            return Base64.getUrlEncoder().withoutPadding()
                    .encodeToString((micros + ":" + id).getBytes(StandardCharsets.US_ASCII));
        }

        static Cursor decode(String text) {
            try {
                String[] parts = new String(Base64.getUrlDecoder().decode(text), StandardCharsets.US_ASCII)
                        .split(":");
                long micros = Long.parseLong(parts[0]);
                Instant at = Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L),
                        Math.floorMod(micros, 1_000_000L) * 1_000L);
                return new Cursor(at, Long.parseLong(parts[1]));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("invalid cursor");
            }
        }
    }
}
