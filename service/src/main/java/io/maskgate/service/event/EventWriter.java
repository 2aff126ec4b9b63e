package io.maskgate.service.event;

import io.maskgate.service.config.MaskGateProperties;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Writes events off the hot path: producers enqueue into a bounded queue; one writer thread drains it in
 * batches, one transaction per batch ({@link EventBatchSql}). An item may carry an "on durable" action, run once
 * its batch is committed and in queue order: the MQTT gateway acknowledges a decision to the broker only then, so
 * a crash loses no acknowledged decision (the broker redelivers the rest). When the queue is full,
 * {@link #enqueue} blocks: backpressure to the broker instead of dropping events. A lost database is retried with
 * backoff; a batch the database refuses is split until the refused rows are alone, and those are stored sanitised
 * ({@link EventSanitiser}). The queue is flushed on graceful shutdown.
 */
@Component
public class EventWriter implements SmartLifecycle {

    /** Anything the writer persists. */
    public sealed interface Item permits EventRecord, CommandRecord {
    }

    private static final Logger log = LoggerFactory.getLogger(EventWriter.class);

    /** Stops after the MQTT client (higher phases stop first), so every ingested message is flushed. */
    public static final int PHASE = 0;

    private record Queued(Item item, long enqueuedNanos, Runnable onDurable) {
    }

    private final BlockingQueue<Queued> queue;
    private final int batchSize;
    private final long flushNanos;
    private final long lingerNanos;
    private final EventBatchSql sql;
    private final TransactionTemplate tx;
    private final Timer lag;
    private final Counter written;
    private final Counter dropped;
    private final Counter backpressure;
    private final Counter sanitised;
    private volatile boolean running;
    /** Items handed to {@link #enqueue} and items written (or dropped): their difference is what is unwritten. */
    private final java.util.concurrent.atomic.AtomicLong accepted = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong finished = new java.util.concurrent.atomic.AtomicLong();
    private volatile boolean accepting = true;
    private Thread thread;

    EventWriter(EventBatchSql sql, TransactionTemplate tx, MaskGateProperties properties,
                       MeterRegistry meters) {
        this.sql = sql;
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
        this.sanitised = Counter.builder("maskgate.events.sanitised")
                .description("events the database refused as they were, stored with the offending values escaped "
                        + "or moved into the detail").register(meters);
        this.backpressure = Counter.builder("maskgate.events.backpressure")
                .description("enqueues that had to wait for a full queue").register(meters);
    }

    /** Queues an item; blocks while the queue is full (backpressure). */
    public void enqueue(Item item) {
        enqueue(item, null);
    }

    /**
     * Queues an item; {@code onDurable} runs on the writer thread once the item is committed (or, refused by the
     * database even sanitised, counted as dropped), after the actions of every item queued before it. It does not
     * run for items abandoned at shutdown: those were never durable.
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
                if (writeWithRetry(batch)) {
                    runDurableActions(batch);
                }
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

    /** True once every item is committed or definitively refused; false when abandoned at shutdown. */
    private boolean writeWithRetry(List<Queued> batch) throws InterruptedException {
        long backoffMs = 100;
        for (int attempt = 1; ; attempt++) {
            try {
                tx.executeWithoutResult(status -> sql.write(items(batch)));
                written.increment(batch.size());
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
