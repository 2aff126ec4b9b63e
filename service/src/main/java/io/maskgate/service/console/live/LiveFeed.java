package io.maskgate.service.console.live;

import io.maskgate.service.console.ConsoleProperties;
import io.maskgate.service.console.charts.ChartSeries;
import io.maskgate.service.door.DoorService;
import io.maskgate.service.mqtt.UnitPresence;
import io.maskgate.service.unit.Unit;
import io.maskgate.service.unit.UnitService;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * Feeds the live page from the event log: one thread per service process reads the rows committed since its last
 * read (every poll interval), folds them into the {@link TileBoard} and hands the tiles that are due to
 * {@link LiveStreams}, which encodes them once, as one {@code tiles} event of their states, for every stream. Reading
 * the shared event log (not this replica's MQTT traffic) shows every replica's decisions, since each replica receives
 * only its share of them. Nothing here touches the door path.
 *
 * <p>Rows are read by id above the last one seen; the time bound (newest row seen minus a look-back) only lets
 * PostgreSQL use the primary key's range. One replica's writer commits its batches in id order, so nothing is
 * skipped; with several replicas, a row committed after a higher-numbered row of another replica was read is
 * missing from the live page only (the event log and the Events page have it), and the door's next event
 * corrects the tile.
 */
@Component
public class LiveFeed implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(LiveFeed.class);
    private static final long LOOK_BACK_MS = 5_000;
    private static final long CONFIG_REFRESH_MS = 2_000;
    private static final int MAX_ROWS = 50_000;

    private final JdbcTemplate jdbc;
    private final DoorService doors;
    private final UnitService units;
    private final UnitPresence presence;
    private final LiveStreams streams;
    private final Clock clock;
    private final ConsoleProperties properties;
    private final Timer tickTimer;
    private final TileBoard board;
    private final ChartSeries charts;
    private volatile List<TileView> snapshot = List.of();
    private ScheduledExecutorService executor;
    private long lastId = -1;
    private long lastAtMillis;
    private long lastConfigMillis;
    private long lastHeartbeatMillis;
    private long lastSampleMillis;

    public LiveFeed(JdbcTemplate jdbc, DoorService doors, UnitService units, UnitPresence presence,
                    LiveStreams streams, Clock clock, ConsoleProperties properties,
                    ChartSeries charts, MeterRegistry meters) {
        this.charts = charts;
        this.jdbc = jdbc;
        this.doors = doors;
        this.units = units;
        this.presence = presence;
        this.streams = streams;
        this.clock = clock;
        this.properties = properties;
        this.board = new TileBoard(properties.tileInterval().toMillis());
        this.tickTimer = Timer.builder("maskgate.console.feed.tick")
                .description("one live-page feed tick: read new events, fold, encode the due tiles, hand them to "
                        + "the streams")
                .register(meters);
    }

    /**
     * Opens a live stream and, on the feed thread (so it is ordered with the broadcasts), sends it every tile as
     * it is now: whatever changed between rendering the page and opening the stream is not lost.
     */
    public SseEmitter open(long timeoutMillis) {
        SseEmitter emitter = streams.open(timeoutMillis);
        ScheduledExecutorService running = executor;
        if (running != null) {
            running.execute(() -> {
                try {
                    streams.sendTo(emitter, board.all(clock.millis()));
                } catch (RuntimeException e) {
                    log.warn("live page: first update of a new stream failed: {}", e.toString());
                }
            });
        }
        return emitter;
    }

    /** Every tile as it is now, for a page being rendered. */
    public List<TileView> tiles() {
        return snapshot;
    }

    @Override
    public void start() {
        executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "maskgate-console-feed");
            t.setDaemon(true);
            return t;
        });
        executor.execute(this::seed);
        long period = properties.pollInterval().toMillis();
        executor.scheduleWithFixedDelay(this::tick, period, period, TimeUnit.MILLISECONDS);
    }

    @Override
    public void stop() {
        if (executor != null) {
            executor.shutdownNow();
            executor = null;
        }
    }

    @Override
    public boolean isRunning() {
        return executor != null;
    }

    private void seed() {
        try {
            long now = clock.millis();
            refreshConfig(now);
            lastAtMillis = now;
            Long max = jdbc.queryForObject("SELECT max(id) FROM events WHERE occurred_at >= ?", Long.class,
                    new Timestamp(now - LOOK_BACK_MS));
            lastId = max == null ? 0 : max;
            jdbc.query("""
                    SELECT door_id, date_trunc('minute', occurred_at) AS m,
                           count(*) FILTER (WHERE outcome = 'GRANTED') AS unlocks,
                           count(*) FILTER (WHERE outcome = 'DENIED') AS refusals
                    FROM events WHERE kind = 'VERDICT' AND occurred_at >= ? AND door_id IS NOT NULL
                    GROUP BY 1, 2
                    """, rs -> {
                board.seedCounts(rs.getString(1), rs.getTimestamp(2).getTime(), rs.getInt(3), rs.getInt(4));
            }, new Timestamp(now - 3_600_000));
            for (String door : List.copyOf(board.doorIds())) {
                jdbc.query("""
                        SELECT id, occurred_at, kind, outcome, reason, unit_id, door_id, label, score, command_id,
                               detail
                        FROM events WHERE door_id = ? AND kind = 'DECISION' AND outcome = 'ACCEPTED'
                              AND occurred_at >= ?
                        ORDER BY occurred_at DESC LIMIT 1
                        """, rs -> {
                    board.apply(row(rs));
                }, door, new Timestamp(now - 86_400_000));
            }
            snapshot = board.all(now);
        } catch (RuntimeException e) {
            log.warn("live page: seeding from the event log failed ({}); starting empty", e.toString());
            lastId = Math.max(lastId, 0);
        }
    }

    private void tick() {
        long started = System.nanoTime();
        try {
            long now = clock.millis();
            if (now - lastConfigMillis >= CONFIG_REFRESH_MS) {
                refreshConfig(now);
            }
            readNewEvents();
            if (now - lastSampleMillis >= 10_000) {
                lastSampleMillis = now;
                charts.sampleLatency(now);
            }
            if (now - lastHeartbeatMillis >= 15_000) {
                lastHeartbeatMillis = now;
                streams.heartbeat();
            }
            List<TileView> due = board.due(now);
            if (!due.isEmpty()) {
                snapshot = board.all(now);
                streams.broadcast(due);
            }
        } catch (RuntimeException e) {
            log.warn("live page feed tick failed: {}", e.toString());
        } finally {
            tickTimer.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
        }
    }

    private void refreshConfig(long now) {
        lastConfigMillis = now;
        board.doors(doors.list().stream()
                .map(d -> new TileBoard.DoorInfo(d.id(), d.name(), d.policy().mode().name())).toList());
        Map<String, int[]> counts = new HashMap<>();
        for (Unit u : units.list()) {
            if (u.doorId() == null || !u.enabled()) {
                continue;
            }
            int[] c = counts.computeIfAbsent(u.doorId(), k -> new int[2]);
            c[1]++;
            if (presence.isOnline(u.id())) {
                c[0]++;
            }
        }
        for (String door : board.doorIds()) {
            int[] c = counts.getOrDefault(door, new int[2]);
            board.units(door, c[0], c[1]);
        }
    }

    private void readNewEvents() {
        if (lastId < 0) {
            return; // not seeded yet
        }
        List<LiveEvent> rows = jdbc.query("""
                SELECT id, occurred_at, kind, outcome, reason, unit_id, door_id, label, score, command_id, detail
                FROM events WHERE occurred_at >= ? AND id > ? ORDER BY id LIMIT ?
                """, (rs, i) -> row(rs), new Timestamp(lastAtMillis - LOOK_BACK_MS), lastId, MAX_ROWS);
        boolean modeChanged = false;
        for (LiveEvent e : rows) {
            board.apply(e);
            charts.onEvent(e);
            lastId = Math.max(lastId, e.id());
            lastAtMillis = Math.max(lastAtMillis, e.at().toEpochMilli());
            modeChanged |= e.outcome() != null && e.outcome().startsWith("FIRE_RELEASE");
        }
        if (modeChanged) {
            // a fire release or its end changed doors' modes: show the new mode with the alarm, not up to 2 s later
            refreshConfig(clock.millis());
        }
    }

    private static LiveEvent row(java.sql.ResultSet rs) throws java.sql.SQLException {
        int score = rs.getInt("score");
        Integer scoreValue = rs.wasNull() ? null : score;
        Instant at = rs.getTimestamp("occurred_at").toInstant();
        return new LiveEvent(rs.getLong("id"), at, rs.getString("kind"), rs.getString("outcome"),
                rs.getString("reason"), rs.getString("unit_id"), rs.getString("door_id"), rs.getString("label"),
                scoreValue, rs.getString("command_id"), rs.getString("detail"));
    }
}
