package io.maskgate.service.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.maskgate.protocol.Topics;
import io.maskgate.protocol.UnitStatus;
import io.maskgate.service.event.RetentionPurge;
import io.maskgate.service.mqtt.UnitPresence;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.config.FixedDelayTask;
import org.springframework.scheduling.config.ScheduledTask;
import org.springframework.scheduling.config.ScheduledTaskHolder;

/**
 * Nothing grows without bound: events past the retention (default 1 year) and decision receipts past theirs are
 * purged (events stay append-only for everything else) by a scheduled purge, and unit presence only remembers
 * registered units.
 */
class GrowthBoundsIT extends AbstractServiceIT {

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    RetentionPurge retention;

    @Autowired
    UnitPresence presence;

    @Autowired
    MeterRegistry meters;

    @Autowired
    List<ScheduledTaskHolder> taskHolders;

    @Test
    void oldEventsAndReceiptsArePurgedRecentOnesKept() {
        String door = id("ret-door");
        String unit = id("ret-unit");
        jdbc.update("INSERT INTO events (occurred_at, kind, outcome, door_id) VALUES "
                + "(now() - interval '400 days', 'MANUAL', 'LOCK', ?), (now() - interval '300 days', 'MANUAL', 'LOCK', ?)",
                door, door);
        jdbc.update("INSERT INTO decision_receipts (unit_id, seq, received_at) VALUES (?, 1, now() - interval '3 days'), "
                + "(?, 2, now())", unit, unit);

        RetentionPurge.Result result = retention.purge();

        assertThat(result.events()).isGreaterThanOrEqualTo(1);
        assertThat(jdbc.queryForList("SELECT extract(day from now() - occurred_at)::int FROM events WHERE door_id = ?",
                Integer.class, door)).as("the 300-day-old event is kept, the 400-day-old one purged")
                .containsExactly(300);
        assertThat(jdbc.queryForList("SELECT seq FROM decision_receipts WHERE unit_id = ?", Long.class, unit))
                .containsExactly(2L);
        // still append-only outside the purge
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() ->
                jdbc.update("DELETE FROM events WHERE door_id = ?", door))).isNotNull();
    }

    @Test
    void unitPresenceRemembersOnlyRegisteredUnits() throws Exception {
        String door = id("pres-door");
        String unit = id("pres-unit");
        createDoor(door);
        registerUnit(unit, door);
        double before = statusMessages();
        int strangers = 50;
        List<String> strangerIds = new ArrayList<>();
        try (MqttTestClient client = new MqttTestClient(ItInfrastructure.mqttUrl(), id("pres"))) {
            for (int i = 0; i < strangers; i++) {
                String stranger = id("stranger" + i);
                strangerIds.add(stranger);
                client.publishAndWait(Topics.status(stranger), MqttTestClient.CODEC.encode(
                        UnitStatus.of(stranger, true, "m", 1, 1, 0, System.currentTimeMillis())));
            }
            client.publishAndWait(Topics.status(unit), MqttTestClient.CODEC.encode(
                    UnitStatus.of(unit, true, "m", 1, 1, 0, System.currentTimeMillis())));
        }
        Await.until("all statuses handled", Duration.ofSeconds(15), () -> presence.isOnline(unit));
        assertThat(statusMessages() - before).isGreaterThanOrEqualTo(strangers + 1);
        // the ids the statuses were sent under (id() makes a new id on every call)
        for (String stranger : strangerIds) {
            assertThat(presence.status(stranger)).as("status of unregistered unit " + stranger + " remembered")
                    .isEmpty();
            assertThat(presence.isOnline(stranger)).as("unregistered unit " + stranger + " online").isFalse();
        }
        assertThat(presence.size()).as("only registered units are remembered").isLessThanOrEqualTo(
                jdbc.queryForObject("SELECT count(*) FROM units", Integer.class));
    }

    @Test
    void thePurgeIsScheduledAtTheRetentionInterval() {
        // the purge must run on its own (every maskgate.retention.interval, default 1 h), not only when called
        List<String> scheduled = new ArrayList<>();
        FixedDelayTask purge = null;
        for (ScheduledTaskHolder holder : taskHolders) {
            for (ScheduledTask t : holder.getScheduledTasks()) {
                String name = t.getTask().getRunnable().toString();
                scheduled.add(name);
                if (name.equals(RetentionPurge.class.getName() + ".scheduled")
                        && t.getTask() instanceof FixedDelayTask f) {
                    purge = f;
                }
            }
        }
        assertThat(purge).as("RetentionPurge.scheduled among the scheduled tasks " + scheduled).isNotNull();
        assertThat(purge.getIntervalDuration()).isEqualTo(Duration.ofHours(1));
    }

    private double statusMessages() {
        return meters.find("maskgate.status.messages").counters().stream().mapToDouble(Counter::count).sum();
    }
}
