package io.maskgate.service.event;

import static org.assertj.core.api.Assertions.assertThat;

import io.maskgate.service.command.CommandStatus;
import io.maskgate.service.it.AbstractServiceIT;
import io.maskgate.service.unit.UnitService;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The writer's set-based statements against the real PostgreSQL: all commands of a batch in one upsert (state
 * merged within and across batches, nulls kept, timestamps exact to the microsecond) and every unit's last_seq
 * advanced by one statement, never backwards.
 */
class EventWriterIT extends AbstractServiceIT {

    @Autowired
    EventWriter writer;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    UnitService units;

    @Autowired
    io.micrometer.core.instrument.MeterRegistry meters;

    @Test
    void commandsAreUpsertedPerBatchAndMergedAcrossBatches() throws Exception {
        String door = id("wdoor");
        createDoor(door);
        Instant issued = Instant.parse("2026-11-25T10:00:00.123456Z");
        Instant expires = issued.plusSeconds(5);
        Instant acked = Instant.parse("2026-11-25T10:00:00.200001Z");
        String sentThenDone = id("cmd");
        String manual = id("cmd");
        String ackedFirst = id("cmd");
        // batch 1: a decision's command goes out and is acked in the same batch; a manual LOCK without unit or seq
        writer.enqueue(new CommandRecord(sentThenDone, door, "UNLOCK", 3000, issued, expires, 1, CommandStatus.SENT, "DECISION",
                "some-unit", 41L, null, null, null));
        writer.enqueue(new CommandRecord(sentThenDone, door, "UNLOCK", 3000, issued, expires, 1, CommandStatus.DONE, "DECISION",
                "some-unit", 41L, null, "ok", acked));
        writer.enqueue(new CommandRecord(manual, door, "LOCK", 0, issued, expires, 1, CommandStatus.SENT, "MANUAL", null, null,
                "alice", null, null));
        // the ack of ackedFirst is written before a late re-send record (attempt 2, still SENT) arrives
        writer.enqueue(new CommandRecord(ackedFirst, door, "UNLOCK", 3000, issued, expires, 1, CommandStatus.DONE, "DECISION",
                "some-unit", 42L, null, null, acked));
        awaitWritten();
        writer.enqueue(new CommandRecord(ackedFirst, door, "UNLOCK", 3000, issued, expires, 2, CommandStatus.SENT, "DECISION",
                "some-unit", 42L, null, null, null));
        awaitWritten();

        Map<String, Object> a = row(sentThenDone);
        assertThat(a.get("status")).isEqualTo("DONE");
        assertThat(a.get("attempts")).isEqualTo(1);
        assertThat(a.get("ack_reason")).isEqualTo("ok");
        assertThat(a.get("seq")).isEqualTo(41L);
        assertThat(a.get("issued")).isEqualTo(issued.toString());
        assertThat(a.get("acked")).isEqualTo(acked.toString());
        assertThat(a.get("duration_ms")).isEqualTo(3000L);

        Map<String, Object> m = row(manual);
        assertThat(m.get("action")).isEqualTo("LOCK");
        assertThat(m.get("status")).isEqualTo("SENT");
        assertThat(m.get("unit_id")).isNull();
        assertThat(m.get("seq")).isNull();
        assertThat(m.get("acked")).isNull();
        assertThat(m.get("actor")).isEqualTo("alice");

        Map<String, Object> b = row(ackedFirst);
        assertThat(b.get("status")).as("a later SENT never undoes DONE").isEqualTo("DONE");
        assertThat(b.get("attempts")).isEqualTo(2);
        assertThat(b.get("acked")).isEqualTo(acked.toString());
    }

    @Test
    void oneBatchMergesTheRecordsOfACommandLikeTheDatabaseDoesAcrossBatches() {
        String door = id("mdoor");
        createDoor(door);
        Instant issued = Instant.parse("2026-11-25T11:00:00.000001Z");
        Instant acked = Instant.parse("2026-11-25T11:00:00.050002Z");
        String doneThenNoAck = id("cmd");
        String sentResentDone = id("cmd");
        writer.writeNowForTest(List.of(
                new CommandRecord(doneThenNoAck, door, "UNLOCK", 3000, issued, issued.plusSeconds(5), 1, CommandStatus.SENT,
                        "DECISION", "u", 1L, null, null, null),
                new CommandRecord(doneThenNoAck, door, "UNLOCK", 3000, issued, issued.plusSeconds(5), 1, CommandStatus.DONE,
                        "DECISION", "u", 1L, null, null, acked),
                // a late timer's NO_ACK after the ack: the first final status wins, as in the SQL upsert
                new CommandRecord(doneThenNoAck, door, "UNLOCK", 3000, issued, issued.plusSeconds(5), 2, CommandStatus.NO_ACK,
                        "DECISION", "u", 1L, null, null, null),
                new CommandRecord(sentResentDone, door, "UNLOCK", 3000, issued, issued.plusSeconds(5), 1, CommandStatus.SENT,
                        "DECISION", "u", 2L, null, null, null),
                new CommandRecord(sentResentDone, door, "UNLOCK", 3000, issued, issued.plusSeconds(5), 2, CommandStatus.SENT,
                        "DECISION", "u", 2L, null, null, null),
                new CommandRecord(sentResentDone, door, "UNLOCK", 3000, issued, issued.plusSeconds(5), 2, CommandStatus.DONE,
                        "DECISION", "u", 2L, null, "late", acked)));

        Map<String, Object> a = row(doneThenNoAck);
        assertThat(a.get("status")).isEqualTo("DONE");
        assertThat(a.get("attempts")).isEqualTo(2);
        assertThat(a.get("acked")).isEqualTo(acked.toString());
        Map<String, Object> b = row(sentResentDone);
        assertThat(b.get("status")).isEqualTo("DONE");
        assertThat(b.get("attempts")).isEqualTo(2);
        assertThat(b.get("ack_reason")).isEqualTo("late");
        assertThat(b.get("issued")).isEqualTo(issued.toString());
    }

    @Test
    void lastSeqOfManyUnitsAdvancesInOneBatchAndNeverGoesBack() throws Exception {
        String door = id("sdoor");
        createDoor(door);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            String unit = id("sunit" + i);
            units.register("it", unit, null, door, true);
            ids.add(unit);
        }
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        for (int i = 0; i < ids.size(); i++) {
            writer.enqueue(decision(ids.get(i), 100 + i, now));
            writer.enqueue(decision(ids.get(i), 50, now)); // lower seq later in the batch: must not win
        }
        awaitWritten();
        for (int i = 0; i < ids.size(); i++) {
            assertThat(lastSeq(ids.get(i))).isEqualTo(100L + i);
        }
        writer.enqueue(decision(ids.get(0), 7, now)); // a lower seq in a later batch: must not go back either
        writer.enqueue(decision(ids.get(1), 5_000, now));
        awaitWritten();
        assertThat(lastSeq(ids.get(0))).isEqualTo(100L);
        assertThat(lastSeq(ids.get(1))).isEqualTo(5_000L);
    }

    /**
     * Issue 11: a row the database refuses must not take its batch down, and must not be lost either: the other
     * rows are written, the refused one is stored sanitised (here: an out-of-range capture time becomes null,
     * the original kept in the detail) and counted, and nothing is dropped.
     */
    @Test
    void aRowTheDatabaseRefusesIsStoredSanitisedAndTheRestOfItsBatchIsWritten() throws Exception {
        String door = id("xdoor");
        createDoor(door);
        double droppedBefore = meters.get("maskgate.events.dropped").counter().count();
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        String good = id("good");
        String poisoned = id("poisoned");
        List<EventRecord> batch = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            batch.add(EventRecord.of(now, EventKind.ALERT, "TEST", "row" + i, good, door, null, null, null, null));
        }
        batch.add(10, new EventRecord(now, EventKind.DECISION, "REJECTED", "FUTURE", poisoned, door, 7L, "MASK",
                900, Instant.parse("+300000-01-01T00:00:00Z"), null, null, "far future", false));
        batch.forEach(writer::enqueue);
        awaitWritten();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM events WHERE unit_id = ?", Long.class, good))
                .isEqualTo(20L);
        Map<String, Object> row = jdbc.queryForMap(
                "SELECT reason, seq, captured_at, detail FROM events WHERE unit_id = ?", poisoned);
        assertThat(row.get("reason")).isEqualTo("FUTURE");
        assertThat(row.get("seq")).isEqualTo(7L);
        assertThat(row.get("captured_at")).isNull();
        assertThat((String) row.get("detail")).startsWith("far future").contains("sanitised")
                .contains("+300000-01-01T00:00:00Z");
        assertThat(meters.get("maskgate.events.dropped").counter().count() - droppedBefore).isZero();
        assertThat(meters.get("maskgate.events.sanitised").counter().count()).isGreaterThanOrEqualTo(1.0);
    }

    private static EventRecord decision(String unit, long seq, Instant at) {
        return new EventRecord(at, EventKind.DECISION, "ACCEPTED", null, unit, null, seq, "MASK", 900, at, null, null,
                null, true);
    }

    private long lastSeq(String unit) {
        return jdbc.queryForObject("SELECT last_seq FROM units WHERE unit_id = ?", Long.class, unit);
    }

    private Map<String, Object> row(String commandId) {
        return jdbc.queryForMap("""
                SELECT action, duration_ms, attempts, status, unit_id, seq, actor, ack_reason,
                       to_char(issued_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS issued,
                       to_char(acked_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS acked
                FROM door_commands WHERE command_id = ?""", commandId);
    }

    /** Waits until everything queued so far is committed (the writer counts enqueued minus committed). */
    private void awaitWritten() throws InterruptedException {
        long deadline = System.currentTimeMillis() + 10_000;
        while (writer.unwritten() > 0) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("the event writer did not commit within 10 s");
            }
            Thread.sleep(10);
        }
    }
}
