package io.maskgate.service.health;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * Checks the database once a second on its own thread, so /actuator/health answers at once from the last result
 * instead of waiting on the pool during an outage (it used to hang 30 s per call).
 */
@Component
public class DatabaseProbe implements DisposableBean {

    /** The probe's view: UP when a check succeeded within the last 3 s. */
    public record State(boolean up, long lastOkMillis, String lastError) {
    }

    private static final long STALE_MS = 3_000;

    private final DataSource dataSource;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "maskgate-db-probe");
        t.setDaemon(true);
        return t;
    });
    private volatile long lastOkMillis;
    private volatile String lastError = "not checked yet";

    public DatabaseProbe(DataSource dataSource) {
        this.dataSource = dataSource;
        check();
        timer.scheduleWithFixedDelay(this::check, 1, 1, TimeUnit.SECONDS);
    }

    private void check() {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.setQueryTimeout(2);
            s.execute("SELECT 1");
            lastOkMillis = System.currentTimeMillis();
            lastError = null;
        } catch (Exception e) {
            lastError = e.getClass().getSimpleName() + ": " + e.getMessage();
        }
    }

    public State state() {
        long ok = lastOkMillis;
        return new State(System.currentTimeMillis() - ok < STALE_MS, ok, lastError);
    }

    /** How long the database has been unreachable (zero when up). */
    public Duration downFor() {
        State s = state();
        return s.up() ? Duration.ZERO : Duration.ofMillis(System.currentTimeMillis() - s.lastOkMillis());
    }

    @Override
    public void destroy() {
        timer.shutdownNow();
    }
}
