package io.maskgate.service.health;

import io.maskgate.service.event.EventWriter;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * /actuator/health component "ingest": whether decisions flow. Decisions are acknowledged to the broker only once
 * their events are committed, so a writer that cannot commit means the broker holds back further decisions
 * (back-pressure). Details: state (FLOWING / BACKPRESSURE), events waiting, and how long the oldest has waited.
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
        boolean flowing = oldestMs < BACKPRESSURE_MS;
        return (flowing ? Health.up() : Health.down())
                .withDetail("state", flowing ? "FLOWING" : "BACKPRESSURE")
                .withDetail("eventsWaiting", writer.unwritten())
                .withDetail("oldestWaitingMs", oldestMs).build();
    }
}
