package io.maskgate.service.command;

import io.maskgate.service.config.MaskGateProperties;
import io.maskgate.service.event.EventKind;
import io.maskgate.service.event.EventRecord;
import io.maskgate.service.event.EventWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Settles commands whose sender died: a process killed while waiting for an ack leaves its commands SENT in
 * door_commands forever (the ack, if any, went to a dead client). A command still SENT or RESENT
 * {@code settle-after} past its expiry can no longer be acked (acks are only accepted while a command can live),
 * so it is marked NO_ACK and an ALERT is logged, at start and then periodically. Skipped while this process's own
 * event writer lags by more than that (its acks may still be queued).
 */
@Component
public class CommandSettler {

    private static final Logger log = LoggerFactory.getLogger(CommandSettler.class);

    private static final String SETTLE = """
            UPDATE door_commands SET status = 'NO_ACK', updated_at = now()
            WHERE status IN ('SENT', 'RESENT') AND expires_at < now() - make_interval(secs => :grace)
              AND updated_at < now() - make_interval(secs => :grace)
            RETURNING command_id, door_id, action, attempts, unit_id, seq, actor
            """;

    private record Settled(String commandId, String doorId, String action, int attempts, String unitId, Long seq,
                           String actor) {
    }

    private final JdbcClient jdbc;
    private final EventWriter events;
    private final Clock clock;
    private final Duration grace;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "maskgate-command-settler");
        t.setDaemon(true);
        return t;
    });

    public CommandSettler(JdbcClient jdbc, EventWriter events, Clock clock, MaskGateProperties properties) {
        this.jdbc = jdbc;
        this.events = events;
        this.clock = clock;
        this.grace = properties.commands().settleAfterOrDefault();
    }

    @EventListener(ApplicationReadyEvent.class)
    void start() {
        long periodMs = Math.max(1_000, grace.toMillis() / 2);
        timer.scheduleWithFixedDelay(this::settleQuietly, 0, periodMs, TimeUnit.MILLISECONDS);
    }

    @jakarta.annotation.PreDestroy
    void stop() {
        timer.shutdownNow();
    }

    private void settleQuietly() {
        try {
            settle();
        } catch (RuntimeException e) {
            log.debug("settling unanswered commands skipped: {}", e.getMessage());
        }
    }

    /** Settles what is due now; returns how many commands were settled. */
    public int settle() {
        if (events.oldestWaitingNanos() > grace.toNanos()) {
            return 0;
        }
        List<Settled> settled = jdbc.sql(SETTLE).param("grace", grace.toMillis() / 1000.0)
                .query((rs, i) -> new Settled(rs.getString("command_id"), rs.getString("door_id"),
                        rs.getString("action"), rs.getInt("attempts"), rs.getString("unit_id"),
                        (Long) rs.getObject("seq"), rs.getString("actor")))
                .list();
        for (Settled s : settled) {
            events.enqueue(EventRecord.of(clock.instant(), EventKind.ALERT, "NO_ACK", s.action(), s.unitId(),
                    s.doorId(), s.seq(), s.commandId(), s.actor(), "attempts=" + s.attempts()
                            + " settled: no ack was recorded before the command expired (its sender stopped)"));
        }
        if (!settled.isEmpty()) {
            log.warn("{} command(s) left SENT by a stopped process settled as NO_ACK (e.g. {} to door {})",
                    settled.size(), settled.get(0).commandId(), settled.get(0).doorId());
        }
        return settled.size();
    }
}
