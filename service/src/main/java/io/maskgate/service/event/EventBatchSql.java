package io.maskgate.service.event;

import io.maskgate.service.unit.SequenceStore;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The SQL of one event batch, set-based so a batch costs a handful of statements whatever its size: which
 * authenticated decisions are new (one {@code unnest} insert into decision_receipts), the event rows (one COPY),
 * the commands' states (one {@code unnest} upsert, status rule from {@link io.maskgate.service.command.CommandStatus})
 * and the units' last_seq ({@link SequenceStore}). Runs inside the caller's transaction.
 */
@Component
class EventBatchSql {

    /** COPY (text format) instead of INSERT: no per-row parse/bind on either side, one round trip per batch. */
    private static final String COPY_EVENTS = """
            COPY events (occurred_at, kind, outcome, reason, unit_id, door_id, seq, label, score, captured_at,
                         command_id, actor, detail, model_version) FROM STDIN
            """;
    private static final String INSERT_RECEIPTS = """
            INSERT INTO decision_receipts (unit_id, seq)
            SELECT DISTINCT u, s FROM unnest(?::text[], ?::bigint[]) AS r(u, s)
            ON CONFLICT DO NOTHING RETURNING unit_id, seq
            """;
    /** All commands of a batch in one statement (arrays unnested), not one statement per command. */
    private static final String UPSERT_COMMANDS = """
            INSERT INTO door_commands (command_id, door_id, action, duration_ms, issued_at, expires_at, attempts,
                                       status, origin, unit_id, seq, actor, ack_reason, acked_at)
            SELECT * FROM unnest(?::text[], ?::text[], ?::text[], ?::bigint[], ?::timestamptz[], ?::timestamptz[],
                                 ?::int[], ?::text[], ?::text[], ?::text[], ?::bigint[], ?::text[], ?::text[],
                                 ?::timestamptz[])
            ON CONFLICT (command_id) DO UPDATE SET attempts = GREATEST(door_commands.attempts, EXCLUDED.attempts),
                status = %s,
                ack_reason = COALESCE(EXCLUDED.ack_reason, door_commands.ack_reason),
                acked_at = COALESCE(EXCLUDED.acked_at, door_commands.acked_at), updated_at = now()
            """.formatted(io.maskgate.service.command.CommandStatus.sqlThen("door_commands.status",
            "EXCLUDED.status"));
    private final JdbcTemplate jdbc;
    private final SequenceStore sequences;

    EventBatchSql(JdbcTemplate jdbc, SequenceStore sequences) {
        this.jdbc = jdbc;
        this.sequences = sequences;
    }

    /** Writes one batch in the caller's transaction: receipts, event rows (COPY), command states, last_seq. */
    void write(List<? extends EventWriter.Item> batch) {
        List<EventRecord> rows = new ArrayList<>(batch.size());
        List<EventRecord> once = new ArrayList<>();
        Map<String, CommandRecord> commandsById = new java.util.LinkedHashMap<>();
        Map<String, Long> maxSeq = new HashMap<>();
        for (EventWriter.Item item : batch) {
            if (item instanceof EventRecord e) {
                rows.add(e);
                if (e.idempotent()) {
                    once.add(e);
                }
                if (e.kind() == EventKind.DECISION && "ACCEPTED".equals(e.outcome()) && e.seq() != null) {
                    maxSeq.merge(e.unitId(), e.seq(), Math::max);
                }
            } else if (item instanceof CommandRecord c) {
                // one row per command id per statement: a batched upsert may not touch a row twice
                commandsById.merge(c.commandId(), c, CommandRecord::then);
            }
        }
        if (!once.isEmpty()) {
            // one statement for the whole batch: which (unit, seq) receipts are new? only those get an event row
            String[] units = once.stream().map(EventRecord::unitId).toArray(String[]::new);
            Long[] seqs = once.stream().map(EventRecord::seq).toArray(Long[]::new);
            java.util.Set<String> fresh = new java.util.HashSet<>(jdbc.execute(
                    (org.springframework.jdbc.core.ConnectionCallback<List<String>>) con -> {
                        try (PreparedStatement ps = con.prepareStatement(INSERT_RECEIPTS)) {
                            ps.setArray(1, con.createArrayOf("text", units));
                            ps.setArray(2, con.createArrayOf("bigint", seqs));
                            List<String> keys = new ArrayList<>();
                            try (var rs = ps.executeQuery()) {
                                while (rs.next()) {
                                    keys.add(rs.getString(1) + '\n' + rs.getLong(2));
                                }
                            }
                            return keys;
                        }
                    }));
            // a (unit, seq) twice in one batch: the first occurrence wins, like across batches; rows keep the
            // order they were queued in (a decision before its command), so ids follow the order of events
            rows.removeIf(e -> e.idempotent() && !fresh.remove(e.unitId() + '\n' + e.seq()));
        }
        List<EventRecord> plain = rows;
        if (!plain.isEmpty()) {
            byte[] bytes = EventCopyFormat.rows(plain);
            jdbc.execute((org.springframework.jdbc.core.ConnectionCallback<Long>) con -> {
                try {
                    return con.unwrap(org.postgresql.PGConnection.class).getCopyAPI()
                            .copyIn(COPY_EVENTS, new java.io.ByteArrayInputStream(bytes));
                } catch (java.io.IOException e) {
                    throw new SQLException("COPY of " + plain.size() + " events failed", e);
                }
            });
        }
        List<CommandRecord> commands = new ArrayList<>(commandsById.values());
        if (!commands.isEmpty()) {
            jdbc.execute((org.springframework.jdbc.core.ConnectionCallback<Integer>) con -> {
                try (PreparedStatement ps = con.prepareStatement(UPSERT_COMMANDS)) {
                    bindCommands(con, ps, commands);
                    return ps.executeUpdate();
                }
            });
        }
        sequences.advance(maxSeq);
    }

    private static void bindCommands(java.sql.Connection con, PreparedStatement ps, List<CommandRecord> commands)
            throws SQLException {
        int n = commands.size();
        Object[][] columns = new Object[14][n];
        for (int i = 0; i < n; i++) {
            CommandRecord c = commands.get(i);
            columns[0][i] = c.commandId();
            columns[1][i] = c.doorId();
            columns[2][i] = c.action();
            columns[3][i] = c.durationMs();
            columns[4][i] = text(c.issuedAt());
            columns[5][i] = text(c.expiresAt());
            columns[6][i] = c.attempts();
            columns[7][i] = c.status().name();
            columns[8][i] = c.origin();
            columns[9][i] = c.unitId();
            columns[10][i] = c.seq();
            columns[11][i] = c.actor();
            columns[12][i] = c.ackReason();
            columns[13][i] = text(c.ackedAt());
        }
        String[] types = {"text", "text", "text", "bigint", "text", "text", "int4", "text", "text", "text", "bigint",
                "text", "text", "text"};
        for (int col = 0; col < 14; col++) {
            Object[] values = switch (types[col]) {
                case "bigint" -> java.util.Arrays.copyOf(columns[col], n, Long[].class);
                case "int4" -> java.util.Arrays.copyOf(columns[col], n, Integer[].class);
                default -> java.util.Arrays.copyOf(columns[col], n, String[].class);
            };
            ps.setArray(col + 1, con.createArrayOf(types[col], values));
        }
    }

    /** Timestamps travel as ISO-8601 text and are cast to timestamptz[] in SQL (exact to the microsecond). */
    /** Records, in the caller's transaction, that a journal segment is replayed up to byte {@code to}. */
    void journalReplayed(String segment, long to) {
        jdbc.update("INSERT INTO event_journal_progress (segment, replayed_to) VALUES (?, ?) ON CONFLICT (segment) "
                + "DO UPDATE SET replayed_to = EXCLUDED.replayed_to, updated_at = now()", segment, to);
    }

    /** Every journal segment's committed replay offset (segment file name -> byte offset). */
    Map<String, Long> journalProgress() {
        Map<String, Long> progress = new HashMap<>();
        jdbc.query("SELECT segment, replayed_to FROM event_journal_progress",
                rs -> {
                    progress.put(rs.getString(1), rs.getLong(2));
                });
        return progress;
    }

    /** Forgets the progress of segments that are replayed and deleted. */
    void forgetJournalProgress(java.util.Collection<String> segments) {
        if (!segments.isEmpty()) {
            jdbc.update("DELETE FROM event_journal_progress WHERE segment = ANY (?)",
                    (Object) segments.toArray(String[]::new));
        }
    }

    private static String text(Instant value) {
        return value == null ? null : value.toString();
    }
}
