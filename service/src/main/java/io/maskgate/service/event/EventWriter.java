package io.maskgate.service.event;

import io.maskgate.service.config.MaskGateProperties;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Writes events off the hot path: producers enqueue into a bounded queue; one writer thread drains it in
 * batches (one transaction per batch). When the queue is full, {@link #enqueue} blocks: that backpressure
 * reaches the broker (the MQTT callback does not return, so no further QoS 1 messages are acked) instead of
 * dropping events. A failing database is retried with backoff; the queue is flushed on graceful shutdown.
 * Authenticated decisions are idempotent on (unit, seq) via decision_receipts + ON CONFLICT DO NOTHING.
 */
@Component
public class EventWriter implements SmartLifecycle {

    /** Anything the writer persists. */
    public sealed interface Item permits EventRecord, CommandRecord {
    }

    private static final Logger log = LoggerFactory.getLogger(EventWriter.class);

    /** Stops after the MQTT client (higher phases stop first), so every ingested message is flushed. */
    public static final int PHASE = 0;

    /** COPY (text format) instead of INSERT: no per-row parse/bind on either side, one round trip per batch. */
    private static final String COPY_EVENTS = """
            COPY events (occurred_at, kind, outcome, reason, unit_id, door_id, seq, label, score, captured_at,
                         command_id, actor, detail) FROM STDIN
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
                status = CASE WHEN door_commands.status = 'SENT' THEN EXCLUDED.status ELSE door_commands.status END,
                ack_reason = COALESCE(EXCLUDED.ack_reason, door_commands.ack_reason),
                acked_at = COALESCE(EXCLUDED.acked_at, door_commands.acked_at), updated_at = now()
            """;
    /** Every unit of a batch in one statement: with hundreds of units a statement per unit cost more than COPY. */
    private static final String ADVANCE_SEQS = """
            UPDATE units u SET last_seq = GREATEST(u.last_seq, v.seq)
            FROM unnest(?::text[], ?::bigint[]) AS v(unit_id, seq) WHERE u.unit_id = v.unit_id
            """;

    private record Queued(Item item, long enqueuedNanos) {
    }

    private final BlockingQueue<Queued> queue;
    private final int batchSize;
    private final long flushNanos;
    private final long lingerNanos;
    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final Timer lag;
    private final Counter written;
    private final Counter dropped;
    private final Counter backpressure;
    private volatile boolean running;
    /** Items handed to {@link #enqueue} and items written (or dropped): their difference is what is unwritten. */
    private final java.util.concurrent.atomic.AtomicLong accepted = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong finished = new java.util.concurrent.atomic.AtomicLong();
    private volatile boolean accepting = true;
    private Thread thread;

    public EventWriter(JdbcTemplate jdbc, TransactionTemplate tx, MaskGateProperties properties,
                       MeterRegistry meters) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.queue = new ArrayBlockingQueue<>(properties.events().queueCapacity());
        this.batchSize = properties.events().batchSize();
        this.flushNanos = properties.events().flushInterval().toNanos();
        this.lingerNanos = properties.events().linger() == null ? 0 : properties.events().linger().toNanos();
        Gauge.builder("maskgate.events.queue.depth", queue, BlockingQueue::size)
                .description("events waiting to be written").register(meters);
        this.lag = Timer.builder("maskgate.events.write.lag")
                .description("time from enqueue to commit of an event").publishPercentileHistogram()
                .register(meters);
        this.written = Counter.builder("maskgate.events.written").register(meters);
        this.dropped = Counter.builder("maskgate.events.dropped")
                .description("rows refused by the database after retries").register(meters);
        this.backpressure = Counter.builder("maskgate.events.backpressure")
                .description("enqueues that had to wait for a full queue").register(meters);
    }

    /** Queues an item; blocks while the queue is full (backpressure). */
    public void enqueue(Item item) {
        accepted.incrementAndGet();
        Queued q = new Queued(item, System.nanoTime());
        if (queue.offer(q)) {
            return;
        }
        backpressure.increment();
        try {
            while (!queue.offer(q, 1, TimeUnit.SECONDS)) {
                if (!accepting) {
                    log.error("event writer stopped; dropping {}", item);
                    dropped.increment();
                    finished.incrementAndGet();
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            log.error("interrupted while queueing {}", item);
            dropped.increment();
            finished.incrementAndGet();
        }
    }

    public int depth() {
        return queue.size();
    }

    /** Events queued or in the batch being written: 0 once everything enqueued so far is committed. */
    public long unwritten() {
        return accepted.get() - finished.get();
    }

    @Override
    public void start() {
        running = true;
        thread = new Thread(this::run, "maskgate-event-writer");
        thread.setDaemon(false);
        thread.start();
    }

    @Override
    public void stop() {
        running = false;
        try {
            thread.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        accepting = false;
        if (!queue.isEmpty()) {
            log.error("{} events could not be written before shutdown", queue.size());
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return PHASE;
    }

    private void run() {
        List<Queued> batch = new ArrayList<>(batchSize);
        while (running || !queue.isEmpty()) {
            try {
                Queued first = queue.poll(flushNanos, TimeUnit.NANOSECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, batchSize - 1);
                linger(batch, first.enqueuedNanos() + lingerNanos);
                writeWithRetry(batch);
                finished.addAndGet(batch.size());
                long now = System.nanoTime();
                for (Queued q : batch) {
                    lag.record(now - q.enqueuedNanos(), TimeUnit.NANOSECONDS);
                }
                batch.clear();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        log.info("event writer flushed and stopped");
    }

    /** Lets the batch grow until {@code until} (nanoTime) or full; not while shutting down. */
    private void linger(List<Queued> batch, long until) throws InterruptedException {
        while (running && batch.size() < batchSize) {
            long left = until - System.nanoTime();
            if (left <= 0) {
                return;
            }
            Queued next = queue.poll(left, TimeUnit.NANOSECONDS);
            if (next == null) {
                return;
            }
            batch.add(next);
            queue.drainTo(batch, batchSize - batch.size());
        }
    }

    private void writeWithRetry(List<Queued> batch) throws InterruptedException {
        long backoffMs = 100;
        for (int attempt = 1; ; attempt++) {
            try {
                tx.executeWithoutResult(status -> write(batch));
                written.increment(batch.size());
                return;
            } catch (RuntimeException e) {
                if (attempt >= 3 && isDataError(e)) {
                    log.error("batch of {} refused ({}); writing row by row", batch.size(), rootCause(e));
                    writeOneByOne(batch);
                    return;
                }
                if (!running && attempt >= 20) {
                    log.error("giving up on {} events at shutdown: {}", batch.size(), e.getMessage());
                    dropped.increment(batch.size());
                    return;
                }
                log.warn("event batch write failed (attempt {}), retrying in {} ms: {}", attempt, backoffMs,
                        rootCause(e));
                Thread.sleep(backoffMs);
                backoffMs = Math.min(backoffMs * 2, 5_000);
            }
        }
    }

    private static String rootCause(Throwable e) {
        return org.springframework.core.NestedExceptionUtils.getMostSpecificCause(e).getMessage();
    }

    private static boolean isDataError(RuntimeException e) {
        return e instanceof org.springframework.dao.DataIntegrityViolationException
                || e instanceof org.springframework.dao.InvalidDataAccessApiUsageException
                || e instanceof org.springframework.jdbc.BadSqlGrammarException;
    }

    private void writeOneByOne(List<Queued> batch) {
        for (Queued q : batch) {
            try {
                tx.executeWithoutResult(status -> write(List.of(q)));
                written.increment();
            } catch (RuntimeException e) {
                log.error("event dropped, the database refuses it: {} ({})", q.item(), rootCause(e));
                dropped.increment();
            }
        }
    }

    /** Writes {@code items} as one batch, now, on the caller's thread: for tests of what one batch does. */
    void writeNowForTest(List<? extends Item> items) {
        List<Queued> batch = new ArrayList<>();
        for (Item item : items) {
            batch.add(new Queued(item, System.nanoTime()));
        }
        tx.executeWithoutResult(status -> write(batch));
    }

    private void write(List<Queued> batch) {
        List<EventRecord> plain = new ArrayList<>();
        List<EventRecord> once = new ArrayList<>();
        Map<String, CommandRecord> commandsById = new java.util.LinkedHashMap<>();
        Map<String, Long> maxSeq = new HashMap<>();
        for (Queued q : batch) {
            if (q.item() instanceof EventRecord e) {
                (e.idempotent() ? once : plain).add(e);
                if (e.kind() == EventKind.DECISION && "ACCEPTED".equals(e.outcome()) && e.seq() != null) {
                    maxSeq.merge(e.unitId(), e.seq(), Math::max);
                }
            } else if (q.item() instanceof CommandRecord c) {
                // one row per command id per statement: a batched upsert may not touch a row twice
                commandsById.merge(c.commandId(), c, EventWriter::merge);
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
            List<EventRecord> firstTime = new ArrayList<>();
            for (EventRecord e : once) {
                // a (unit, seq) twice in one batch: the first occurrence wins, like across batches
                if (fresh.remove(e.unitId() + '\n' + e.seq())) {
                    firstTime.add(e);
                }
            }
            plain.addAll(0, firstTime);
        }
        if (!plain.isEmpty()) {
            byte[] rows = EventCopyFormat.rows(plain);
            jdbc.execute((org.springframework.jdbc.core.ConnectionCallback<Long>) con -> {
                try {
                    return con.unwrap(org.postgresql.PGConnection.class).getCopyAPI()
                            .copyIn(COPY_EVENTS, new java.io.ByteArrayInputStream(rows));
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
        if (!maxSeq.isEmpty()) {
            String[] ids = maxSeq.keySet().toArray(String[]::new);
            Long[] seqs = new Long[ids.length];
            for (int i = 0; i < ids.length; i++) {
                seqs[i] = maxSeq.get(ids[i]);
            }
            jdbc.execute((org.springframework.jdbc.core.ConnectionCallback<Integer>) con -> {
                try (PreparedStatement ps = con.prepareStatement(ADVANCE_SEQS)) {
                    ps.setArray(1, con.createArrayOf("text", ids));
                    ps.setArray(2, con.createArrayOf("bigint", seqs));
                    return ps.executeUpdate();
                }
            });
        }
    }

    /** Same rule as the SQL upsert: the first final status (DONE, REJECTED, NO_ACK) wins over anything later. */
    private static CommandRecord merge(CommandRecord earlier, CommandRecord later) {
        String status = "SENT".equals(earlier.status()) ? later.status() : earlier.status();
        return new CommandRecord(later.commandId(), later.doorId(), later.action(), later.durationMs(),
                later.issuedAt(), later.expiresAt(), Math.max(earlier.attempts(), later.attempts()), status,
                later.origin(), later.unitId(), later.seq(), later.actor(),
                later.ackReason() != null ? later.ackReason() : earlier.ackReason(),
                later.ackedAt() != null ? later.ackedAt() : earlier.ackedAt());
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
            columns[7][i] = c.status();
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
    private static String text(Instant value) {
        return value == null ? null : value.toString();
    }
}
