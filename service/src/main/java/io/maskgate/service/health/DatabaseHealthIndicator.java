package io.maskgate.service.health;

import java.time.Instant;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.stereotype.Component;

/** /actuator/health component "db" (replaces Spring Boot's, which blocks on the pool): the probe's last result. */
@Component("dbHealthIndicator")
public class DatabaseHealthIndicator implements HealthIndicator {

    private final DatabaseProbe probe;

    public DatabaseHealthIndicator(DatabaseProbe probe) {
        this.probe = probe;
    }

    @Override
    public Health health() {
        DatabaseProbe.State s = probe.state();
        Health.Builder b = s.up() ? Health.up() : Health.down();
        if (s.lastOkMillis() > 0) {
            b.withDetail("lastOk", Instant.ofEpochMilli(s.lastOkMillis()).toString());
        }
        if (s.lastError() != null) {
            b.withDetail("error", s.lastError());
        }
        return b.build();
    }
}
