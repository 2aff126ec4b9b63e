package io.maskgate.service.event;

import io.maskgate.service.config.MaskGateProperties;
import io.maskgate.service.health.DatabaseProbe;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Writes events off the hot path: producers enqueue into a bounded queue; one writer thread drains it in
 * batches, one transaction per batch ({@link EventBatchSql}). An item may carry an "on durable" action, run once
 * its batch is durable and in queue order: the MQTT gateway acknowledges a decision to the broker only then, so
 * a crash loses no acknowledged decision (the broker redelivers the rest).
 *
 * <p>Durable means committed to PostgreSQL or, while the database is unreachable, fsynced to the local
 * {@link EventJournal}: decisions stay acknowledged and doors keep working through an outage. The journal is
 * replayed into PostgreSQL in order once the database is back (and at start, before replay protection is seeded);
 * while it holds anything, new batches go behind it, so each unit's events reach the log in order. When the journal
 * is full (or disabled) the queue fills and {@link #enqueue} blocks: back-pressure to the broker, never loss.
 *
 * <p>A batch the database refuses is split until the refused rows are alone, and those are stored sanitised
 * ({@link EventSanitiser}). The queue is flushed on graceful shutdown (into the journal if need be).
 */
@Component
public class EventWriter implements SmartLifecycle {

    /** Anything the writer persists. */
    public sealed interface Item permits EventRecord, CommandRecord {
    }

    private static final Logger log = LoggerFactory.getLogger(EventWriter.class);

    /** Stops after the MQTT client (higher phases stop first), so every ingested message is flushed. */
    public static final int PHASE = 0;

    private static final long MIN_REPLAY_BACKOFF_MS = 250;
    private static final long MAX_REPLAY_BACKOFF_MS = 5_000;

    private record Queued(Item item, long enqueuedNanos, Runnable onDurable) {
    }

    private final BlockingQueue<Queued> queue;
    private final int batchSize;
    private final long flushNanos;
    private final long lingerNanos;
    private final EventBatchSql sql;
    private final TransactionTemplate tx;
    private final DatabaseProbe database;
    /** Null when disabled ({@code maskgate.events.journal.enabled=false}). */
    private final EventJournal journal;
    private final Timer lag;
    private final Counter written;
    private final Counter dropped;
    private final Counter backpressure;
    private final Counter sanitised;
    private final Counter journaled;
    private final Counter replayed;
    private volatile boolean running;
    /** Items handed to {@link #enqueue} and items written (or dropped): their difference is what is unwritten. */
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong finished = new AtomicLong();
    private volatile boolean accepting = true;
    private volatile boolean journalFull;
    private long replayBackoffMs = MIN_REPLAY_BACKOFF_MS;
    /** When a write or replay last failed for want of the database (epoch ms). */
    private long lastFailureMillis;
    private long nextReplayMillis;
    private Thread thread;

    EventWriter(EventBatchSql sql, TransactionTemplate tx, MaskGateProperties properties, MeterRegistry meters,
                DatabaseProbe database) throws IOException {
        this.sql = sql;
        this.tx = tx;
        this.database = database;
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
        this.sanitised = Counter.builder("maskgate.events.sanitised")
                .description("events the database refused as they were, stored with the offending values escaped "
                        + "or moved into the detail").register(meters);
        this.backpressure = Counter.builder("maskgate.events.backpressure")
                .description("enqueues that had to wait for a full queue").register(meters);
        this.journaled = Counter.builder("maskgate.events.journaled")
                .description("items fsynced to the local journal while the database was unreachable")
                .register(meters);
        this.replayed = Counter.builder("maskgate.events.journal.replayed")
                .description("journaled items replayed into the database").register(meters);
        MaskGateProperties.Journal settings = properties.events().journalOrDefault();
        this.journal = settings.on() ? EventJournal.open(journalDir(properties, settings), settings.maxBytes()) : null;
        Gauge.builder("maskgate.events.journal.bytes", this, EventWriter::journalBytes)
                .description("bytes in the local journal waiting for the database").register(meters);
        Gauge.builder("maskgate.events.journal.corrupt", this, w -> w.journal == null ? 0 : w.journal.corrupt())
                .description("journal records found corrupt and set aside (see the log)").register(meters);
        replayAtStart();
    }

    /** {@code journal.dir}, else {@code <data-dir>/journal/<mqtt client id>}: one journal per service process. */
    static Path journalDir(MaskGateProperties p, MaskGateProperties.Journal settings) {
        if (settings.dir() != null && !settings.dir().toString().isBlank()) {
            return settings.dir();
        }
        String client = p.mqtt() == null || p.mqtt().clientId() == null ? "service" : p.mqtt().clientId();
        return p.dataDir().resolve("journal").resolve(client.replaceAll("[^A-Za-z0-9._-]", "_"));
    }

    /** Queues an item; blocks while the queue is full (backpressure). */
    public void enqueue(Item item) {
        enqueue(item, null);
    }

    /**
     * Queues an item; {@code onDurable} runs on the writer thread once the item is committed or journaled (or,
     * refused by the database even sanitised, counted as dropped), after the actions of every item queued before
     * it. It does not run for items abandoned at shutdown: those were never durable.
     */
    public void enqueue(Item item, Runnable onDurable) {
        accepted.incrementAndGet();
        Queued q = new Queued(item, System.nanoTime(), onDurable);
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

    /** How long the oldest queued item has waited (0 when the queue is empty). */
    public long oldestWaitingNanos() {
        Queued head = queue.peek();
        return head == null ? 0 : System.nanoTime() - head.enqueuedNanos();
    }

    public int depth() {
        return queue.size();
    }

    /** Events queued or in the batch being written: 0 once everything enqueued so far is durable. */
    public long unwritten() {
        return accepted.get() - finished.get();
    }

    /** Whether events are going to the local journal (the database is or was just unreachable). */
    public boolean journaling() {
        return journal != null && !journal.isEmpty();
    }

    /** Whether the journal reached its bound: decisions wait unacknowledged (back-pressure on the broker). */
    public boolean journalFull() {
        return journalFull;
    }

    /** Bytes in the journal not yet replayed into the database. */
    public long journalBytes() {
        return journal == null ? 0 : journal.bytes();
    }

    /** Batches in the journal not yet replayed into the database. */
    public int journalBatches() {
        return journal == null ? 0 : journal.records();
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
        if (journal != null) {
            if (!journal.isEmpty()) {
                log.warn("{} batches of events ({} bytes) wait in the local journal for the database; they are "
                        + "replayed at the next start", journal.records(), journal.bytes());
            }
            try {
                journal.close();
            } catch (IOException e) {
                log.warn("closing the event journal: {}", e.toString());
            }
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
                if (first != null) {
                    batch.add(first);
                    queue.drainTo(batch, batchSize - 1);
                    linger(batch, first.enqueuedNanos() + lingerNanos);
                    deliver(batch);
                    batch.clear();
                }
                if (journaling()) {
                    replayStep();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        log.info("event writer flushed and stopped");
    }

    /** Makes one batch durable (database, else journal) and then runs its actions. */
    private void deliver(List<Queued> batch) throws InterruptedException {
        boolean durable;
        if (journal == null) {
            durable = writeWithRetry(batch);
        } else if (!journal.isEmpty() || !databaseLooksUp()) {
            durable = journal(batch);
        } else {
            durable = writeOrJournal(batch);
        }
        if (durable) {
            runDurableActions(batch);
        }
        finished.addAndGet(batch.size());
        long now = System.nanoTime();
        for (Queued q : batch) {
            lag.record(now - q.enqueuedNanos(), TimeUnit.NANOSECONDS);
        }
    }

    private boolean writeOrJournal(List<Queued> batch) throws InterruptedException {
        try {
            commit(batch);
            return true;
        } catch (RuntimeException e) {
            if (isRefusal(e)) {
                return isolate(batch, e);
            }
            log.warn("event batch write failed: {}", rootCause(e));
            lastFailureMillis = System.currentTimeMillis();
            return journal(batch);
        }
    }

    /**
     * Appends a batch to the journal (fsynced). While the journal is full this waits, replaying what it can:
     * the decisions stay unacknowledged, so the broker holds the rest (back-pressure, never loss).
     */
    private boolean journal(List<Queued> batch) throws InterruptedException {
        byte[] payload = JournalCodec.encode(items(batch));
        for (int waited = 0; !journal.hasRoom(payload.length); waited++) {
            if (!journalFull) {
                log.error("event journal full ({} bytes): decisions are no longer acknowledged until the database "
                        + "takes the backlog", journal.bytes());
                journalFull = true;
            }
            if (!running && waited >= 20) {
                log.error("giving up on {} events at shutdown: database unreachable and journal full", batch.size());
                return false;
            }
            replayStep();
            if (!journal.hasRoom(payload.length)) {
                Thread.sleep(250);
            }
        }
        journalFull = false;
        try {
            boolean first = journal.isEmpty();
            journal.append(payload);
            journaled.increment(batch.size());
            if (first) {
                log.warn("database unreachable: events go to the local journal {} until it is back",
                        journal.dir());
            }
            return true;
        } catch (IOException e) {
            log.error("cannot append to the event journal ({}); waiting for the database instead", e.toString());
            return writeWithRetry(batch);
        }
    }

    /**
     * Whether to try the database: the probe saw it answer since our last failure. A try on a dead database can
     * block the writer for the pool's connection timeout, and journaled decisions wait for their acknowledgement.
     */
    private boolean databaseLooksUp() {
        DatabaseProbe.State s = database.state();
        return s.up() && s.lastOkMillis() > lastFailureMillis;
    }

    /** Replays one chunk of the journal when the database looks reachable and the backoff allows. */
    private void replayStep() {
        if (!databaseLooksUp() || System.currentTimeMillis() < nextReplayMillis) {
            return;
        }
        try {
            if (replayNext()) {
                replayBackoffMs = MIN_REPLAY_BACKOFF_MS;
                if (journal.isEmpty()) {
                    log.info("event journal replayed into the database; writing directly again");
                }
            } else {
                lastFailureMillis = System.currentTimeMillis();
                nextReplayMillis = lastFailureMillis + replayBackoffMs;
                replayBackoffMs = Math.min(replayBackoffMs * 2, MAX_REPLAY_BACKOFF_MS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Writes the journal's oldest chunk and its replay offset in one transaction; false when the database is
     * unreachable. Rows the database refuses are isolated and stored sanitised, as in direct writing.
     */
    private boolean replayNext() throws InterruptedException {
        Optional<EventJournal.Chunk> next;
        try {
            next = journal.next(batchSize);
        } catch (IOException e) {
            log.error("cannot read the event journal: {}", e.toString());
            return false;
        }
        if (next.isEmpty()) {
            return true;
        }
        EventJournal.Chunk chunk = next.get();
        try {
            tx.executeWithoutResult(status -> {
                sql.write(chunk.items());
                sql.journalReplayed(chunk.segment(), chunk.to());
            });
            written.increment(chunk.items().size());
        } catch (RuntimeException e) {
            if (!isRefusal(e)) {
                log.debug("journal replay waits for the database: {}", rootCause(e));
                return false;
            }
            List<Queued> queued = new ArrayList<>(chunk.items().size());
            for (Item item : chunk.items()) {
                queued.add(new Queued(item, System.nanoTime(), null));
            }
            // rare (a refused row): the isolated writes commit apart from the offset, so a crash right here
            // could repeat this chunk's rows once at the next start
            isolate(queued, e);
            tx.executeWithoutResult(status -> sql.journalReplayed(chunk.segment(), chunk.to()));
        }
        replayed.increment(chunk.items().size());
        try {
            journal.replayed(chunk);
            forgetDeletedSegments();
        } catch (IOException e) {
            log.error("event journal: {}", e.toString());
        }
        return true;
    }

    /**
     * An unclean stop during an outage leaves events in the journal: they go into PostgreSQL before anything else
     * (PersistentSequenceState seeds replay protection from the log after this).
     */
    private void replayAtStart() throws IOException {
        if (journal == null || journal.isEmpty()) {
            return;
        }
        journal.skipReplayed(sql.journalProgress());
        forgetDeletedSegments();
        if (journal.isEmpty()) {
            return;
        }
        log.warn("replaying {} batches ({} bytes) of events from the local journal the last run left",
                journal.records(), journal.bytes());
        try {
            while (!journal.isEmpty()) {
                if (!replayNext()) {
                    throw new IllegalStateException("the database did not take the event journal's replay");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while replaying the event journal", e);
        }
        log.info("event journal replayed");
    }

    private void forgetDeletedSegments() {
        List<String> done = journal.takeDeleted();
        if (!done.isEmpty()) {
            try {
                sql.forgetJournalProgress(done);
            } catch (RuntimeException e) {
                log.debug("journal progress rows kept for now: {}", rootCause(e)); // harmless leftovers
            }
        }
    }

    private static void runDurableActions(List<Queued> batch) {
        for (Queued q : batch) {
            if (q.onDurable() != null) {
                try {
                    q.onDurable().run();
                } catch (RuntimeException e) {
                    log.warn("action after commit failed: {}", e.toString());
                }
            }
        }
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

    /** The batch in one transaction; throws what the database threw. */
    private void commit(List<Queued> batch) {
        tx.executeWithoutResult(status -> sql.write(items(batch)));
        written.increment(batch.size());
    }

    /** True once every item is committed or definitively refused; false when abandoned at shutdown. */
    private boolean writeWithRetry(List<Queued> batch) throws InterruptedException {
        long backoffMs = 100;
        for (int attempt = 1; ; attempt++) {
            try {
                commit(batch);
                return true;
            } catch (RuntimeException e) {
                if (isRefusal(e)) {
                    return isolate(batch, e);
                }
                if (!running && attempt >= 20) {
                    log.error("giving up on {} events at shutdown: {}", batch.size(), e.getMessage());
                    dropped.increment(batch.size());
                    return false;
                }
                log.warn("event batch write failed (attempt {}), retrying in {} ms: {}", attempt, backoffMs,
                        rootCause(e));
                Thread.sleep(backoffMs);
                backoffMs = Math.min(backoffMs * 2, 5_000);
            }
        }
    }

    /**
     * A batch the database refuses (bad data, not a lost connection): halve it until the refused rows are alone,
     * so one poisoned row costs a few extra statements instead of its whole batch; that row is then stored
     * sanitised.
     */
    private boolean isolate(List<Queued> batch, RuntimeException refusal) throws InterruptedException {
        if (batch.size() == 1) {
            return storeSanitised(batch.get(0), rootCause(refusal));
        }
        log.warn("batch of {} refused ({}); isolating the refused rows", batch.size(), rootCause(refusal));
        int mid = batch.size() / 2;
        boolean first = writeWithRetry(new ArrayList<>(batch.subList(0, mid)));
        return writeWithRetry(new ArrayList<>(batch.subList(mid, batch.size()))) && first;
    }

    private static List<Item> items(List<Queued> batch) {
        List<Item> items = new ArrayList<>(batch.size());
        for (Queued q : batch) {
            items.add(q.item());
        }
        return items;
    }

    /** Stores a refused event in a form the database takes (see {@link EventSanitiser}); drops only if even that fails. */
    private boolean storeSanitised(Queued q, String why) throws InterruptedException {
        if (!(q.item() instanceof EventRecord e)) {
            log.error("command state dropped, the database refuses it: {} ({})", q.item(), why);
            dropped.increment();
            return true;
        }
        EventRecord clean = EventSanitiser.sanitise(e, why);
        long backoffMs = 100;
        for (int attempt = 1; ; attempt++) {
            try {
                tx.executeWithoutResult(status -> sql.write(List.of(clean)));
                written.increment();
                sanitised.increment();
                log.warn("event stored sanitised, the database refused it as it was: {} ({})", e, why);
                return true;
            } catch (RuntimeException again) {
                if (isRefusal(again)) {
                    log.error("event dropped, the database refuses it even sanitised: {} ({})", clean,
                            rootCause(again));
                    dropped.increment();
                    return true;
                }
                if (!running && attempt >= 20) {
                    dropped.increment();
                    return false;
                }
                Thread.sleep(backoffMs);
                backoffMs = Math.min(backoffMs * 2, 5_000);
            }
        }
    }

    private static String rootCause(Throwable e) {
        return org.springframework.core.NestedExceptionUtils.getMostSpecificCause(e).getMessage();
    }

    /**
     * True when the database refused the data itself (SQLSTATE class 22 data exception, 23 integrity, 42 syntax or
     * access), as opposed to a lost connection or an outage, which are retried as they are.
     */
    static boolean isRefusal(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                String state = sql.getSQLState();
                return state.startsWith("22") || state.startsWith("23") || state.startsWith("42");
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return e instanceof org.springframework.dao.DataIntegrityViolationException
                || e instanceof org.springframework.jdbc.BadSqlGrammarException;
    }

    /** Writes {@code items} as one batch, now, on the caller's thread: for tests of what one batch does. */
    void writeNowForTest(List<? extends Item> items) {
        tx.executeWithoutResult(status -> sql.write(items));
    }
}
