package io.maskgate.service.event;

import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Keeps the database bounded: deletes events older than {@code maskgate.retention.events} (default 365 days) and
 * decision receipts older than {@code maskgate.retention.receipts} (default 1 day), every
 * {@code maskgate.retention.interval}, in batches (short transactions, no long lock), and logs what it removed.
 * The events trigger allows these deletes only inside the purge's own transactions (V10).
 */
@Component
public class RetentionPurge {

    private static final Logger log = LoggerFactory.getLogger(RetentionPurge.class);
    private static final int BATCH = 10_000;

    /** What one run removed. */
    public record Result(long events, long receipts) {
    }

    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final Clock clock;
    private final Duration events;
    private final Duration receipts;

    public RetentionPurge(JdbcTemplate jdbc, TransactionTemplate tx, Clock clock,
                          @Value("${maskgate.retention.events:365d}") Duration events,
                          @Value("${maskgate.retention.receipts:1d}") Duration receipts) {
        if (events.isNegative() || events.isZero() || receipts.isNegative() || receipts.isZero()) {
            throw new IllegalArgumentException("maskgate.retention.events and .receipts must be positive");
        }
        this.jdbc = jdbc;
        this.tx = tx;
        this.clock = clock;
        this.events = events;
        this.receipts = receipts;
    }

    @Scheduled(fixedDelayString = "${maskgate.retention.interval:1h}", initialDelayString = "${maskgate.retention.interval:1h}")
    public void scheduled() {
        try {
            purge();
        } catch (RuntimeException e) {
            log.error("retention purge failed (retried at the next interval): {}", e.getMessage());
        }
    }

    public Result purge() {
        var eventsBefore = clock.instant().minus(events).atOffset(ZoneOffset.UTC);
        var receiptsBefore = clock.instant().minus(receipts).atOffset(ZoneOffset.UTC);
        long removedEvents = 0;
        int n;
        do {
            n = tx.execute(s -> {
                jdbc.execute("SET LOCAL maskgate.retention_purge = 'on'");
                return jdbc.update("DELETE FROM events WHERE (occurred_at, id) IN (SELECT occurred_at, id FROM events "
                        + "WHERE occurred_at < ? LIMIT " + BATCH + ")", eventsBefore);
            });
            removedEvents += n;
        } while (n == BATCH);
        long removedReceipts = 0;
        do {
            n = jdbc.update("DELETE FROM decision_receipts WHERE ctid IN (SELECT ctid FROM decision_receipts "
                    + "WHERE received_at < ? LIMIT " + BATCH + ")", receiptsBefore);
            removedReceipts += n;
        } while (n == BATCH);
        log.info("retention purge: removed {} events older than {} ({}) and {} decision receipts older than {} ({})",
                removedEvents, eventsBefore, events, removedReceipts, receiptsBefore, receipts);
        return new Result(removedEvents, removedReceipts);
    }
}
