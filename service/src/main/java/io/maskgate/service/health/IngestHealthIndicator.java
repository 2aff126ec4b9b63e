package io.maskgate.service.health;

import io.maskgate.service.event.EventWriter;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * /actuator/health component "ingest": whether decisions flow. Decisions are acknowledged to the broker only once
 * their events are durable (committed, or fsynced to the local journal while the database is unreachable), so a
 * writer that can do neither means the broker holds back further decisions (back-pressure). States: FLOWING,
 * JOURNALING (the database is or was just away: decisions and doors go on, events wait in the journal; UP),
 * BACKPRESSURE (DOWN). Details: events waiting in memory, how long the oldest has waited, and the journal's backlog.
 */
@Component("ingestHealthIndicator")
public class IngestHealthIndicator implements HealthIndicator {

    /** Oldest unwritten event older than this: the writer is not keeping up (or cannot write). */
    static final long BACKPRESSURE_MS = 2_000;

    private final EventWriter writer;

    public IngestHealthIndicator(EventWriter writer) {
        this.writer = writer;
    }

    @Override
    public Health health() {
        long oldestMs = writer.oldestWaitingNanos() / 1_000_000;
        boolean flowing = oldestMs < BACKPRESSURE_MS && !writer.journalFull();
        String state = !flowing ? "BACKPRESSURE" : writer.journaling() ? "JOURNALING" : "FLOWING";
        return (flowing ? Health.up() : Health.down())
                .withDetail("state", state)
                .withDetail("eventsWaiting", writer.unwritten())
                .withDetail("oldestWaitingMs", oldestMs)
                .withDetail("journalBatches", writer.journalBatches())
                .withDetail("journalBytes", writer.journalBytes()).build();
    }
}
