package io.maskgate.service.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.maskgate.service.event.EventQuery;
import io.maskgate.service.event.EventRepository;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The CSV export streams through a server-side cursor: while the first of 50,000 rows is being written, the query
 * is an open portal on its connection (PostgreSQL's pg_cursors lists protocol-level portals of the session), so
 * only a fetch-size batch is in memory; under autocommit PgJDBC would have read all rows into the heap and closed
 * the portal before the first row reached the writer. The HTTP export delivers every row and honours its cap.
 */
class EventExportIT extends AbstractServiceIT {

    private static final int ROWS = 50_000;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    EventRepository events;

    @Test
    void exportStreamsThroughACursorAndIsCapped() {
        String door = id("export-door");
        jdbc.update("INSERT INTO events (occurred_at, kind, outcome, door_id, detail) SELECT now() - i * interval "
                + "'1 millisecond', 'MANUAL', 'LOCK', ?, '=1+' || i FROM generate_series(1, ?) AS i", door, ROWS);

        AtomicLong rows = new AtomicLong();
        AtomicLong openCursorsAtFirstRow = new AtomicLong(-1);
        long started = System.nanoTime();
        events.stream(new EventQuery(door, null, null, null, null, null), 1_000_000, e -> {
            if (rows.getAndIncrement() == 0) {
                // the same connection (the export's transaction): its named portal is still open mid-stream (this
                // query's own portal is the unnamed one, and its text is not the export's)
                openCursorsAtFirstRow.set(jdbc.queryForObject("SELECT count(*) FROM pg_cursors WHERE name <> '' "
                        + "AND statement LIKE '%FROM events WHERE%'", Long.class));
            }
        });
        long millis = (System.nanoTime() - started) / 1_000_000;
        assertThat(rows.get()).isEqualTo(ROWS);
        assertThat(openCursorsAtFirstRow.get()).as("a cursor (portal) is open while the first row is written")
                .isGreaterThanOrEqualTo(1);

        ResponseEntity<String> csv = rest.getForEntity("/api/events/export?door={door}&max=1000000", String.class,
                door);
        assertThat(csv.getStatusCode()).isEqualTo(HttpStatus.OK);
        String[] lines = csv.getBody().split("\n");
        assertThat(lines).hasSize(ROWS + 1);
        assertThat(lines[1]).as("formula in free text defused").contains(",'=1+1");

        ResponseEntity<String> capped = rest.getForEntity("/api/events/export?door={door}&max=1000", String.class,
                door);
        assertThat(capped.getBody().split("\n")).as("max caps the export").hasSize(1001);
        System.out.printf("EventExportIT: %d rows streamed through the cursor in %d ms%n", ROWS, millis);
    }
}
