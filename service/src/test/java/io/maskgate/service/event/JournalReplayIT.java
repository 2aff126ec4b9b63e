package io.maskgate.service.event;

import static org.assertj.core.api.Assertions.assertThat;

import io.maskgate.service.door.DoorPolicy;
import io.maskgate.service.door.DoorService;
import io.maskgate.service.it.ItInfrastructure;
import io.maskgate.service.it.ServiceContexts;
import io.maskgate.service.unit.PersistentSequenceState;
import io.maskgate.service.unit.UnitService;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A service killed during a database outage leaves events in its journal: the next start replays them into
 * PostgreSQL before replay protection is seeded (so the journaled decisions count as seen), skips what an earlier
 * replay already committed (the offset in event_journal_progress), and leaves neither segments nor progress rows.
 */
class JournalReplayIT {

    @Test
    void theNextStartReplaysALeftOverJournalOnceAndSeedsReplayProtectionFromIt() throws Exception {
        String run = ItInfrastructure.RUN;
        String schema = "jreplay_" + run;
        String clientId = "jreplay-" + run;
        Path dataDir = ItInfrastructure.tempDir().resolve(clientId); // ServiceContexts' data dir
        String door = "jdoor-" + run;
        String unit = "junit-" + run;
        Map<String, Object> props = ServiceContexts.props(schema, clientId, "jreplay" + run);
        try (ConfigurableApplicationContext first = ServiceContexts.start(props)) {
            first.getBean(DoorService.class).create("it", door, null, DoorPolicy.withMinScore(700));
            first.getBean(UnitService.class).register("it", unit, null, door, true);
        }

        // what the killed process left: two batches journaled, the first already replayed (its offset committed)
        Path journalDir = dataDir.resolve("journal").resolve(clientId);
        String segment;
        long firstEnd;
        try (EventJournal journal = EventJournal.open(journalDir, 1 << 20)) {
            journal.append(JournalCodec.encode(decisions(unit, door, 1, 2)));
            journal.append(JournalCodec.encode(decisions(unit, door, 3, 4)));
            EventJournal.Chunk first = journal.next(1).orElseThrow();
            segment = first.segment();
            firstEnd = first.to();
        }
        try (Connection c = DriverManager.getConnection(ItInfrastructure.dbUrlWithSchema(schema),
                ItInfrastructure.dbUser(), ItInfrastructure.dbPassword());
             PreparedStatement ps = c.prepareStatement(
                     "INSERT INTO event_journal_progress (segment, replayed_to) VALUES (?, ?)")) {
            ps.setString(1, segment);
            ps.setLong(2, firstEnd);
            ps.executeUpdate();
        }

        try {
            try (ConfigurableApplicationContext second = ServiceContexts.start(props)) {
                JdbcTemplate jdbc = second.getBean(JdbcTemplate.class);
                String seqs = "SELECT seq FROM events WHERE kind = ? AND unit_id = ? ORDER BY id";
                assertThat(jdbc.queryForList(seqs, Long.class, "DECISION", unit)).as("decisions replayed from the journal, the committed part skipped")
                        .containsExactly(3L, 4L);
                assertThat(jdbc.queryForList(seqs, Long.class, "VERDICT", unit)).containsExactly(3L, 4L);
                assertThat(jdbc.queryForObject("SELECT last_seq FROM units WHERE unit_id = ?", Long.class, unit))
                        .isEqualTo(4L);
                assertThat(second.getBean(PersistentSequenceState.class).lastSeq(unit))
                        .as("replay protection seeded after the replay").isEqualTo(4L);
                assertThat(jdbc.queryForObject("SELECT count(*) FROM event_journal_progress", Long.class)).isZero();
                try (Stream<Path> files = Files.list(journalDir)) {
                    assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".log"));
                }
            }
        } finally {
            ServiceContexts.endSession(clientId); // the broker keeps no session queueing other tests' decisions
        }
    }

    private static List<EventWriter.Item> decisions(String unit, String door, long fromSeq, long toSeq) {
        List<EventWriter.Item> items = new ArrayList<>();
        for (long seq = fromSeq; seq <= toSeq; seq++) {
            Instant at = Instant.now();
            items.add(new EventRecord(at, EventKind.DECISION, "ACCEPTED", null, unit, door, seq, "MASK", 950,
                    at.minusMillis(40), null, null, null, true, "it"));
            items.add(EventRecord.of(at, EventKind.VERDICT, "GRANTED", "CONSISTENT_MASK", unit, door, seq, null, null,
                    null));
        }
        return items;
    }
}
