package io.maskgate.service.event;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Instant;
import org.springframework.format.annotation.DateTimeFormat;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Event-log queries (ADMIN and OPERATOR). */
@RestController
@RequestMapping("/api/events")
@Tag(name = "events", description = "The append-only event log")
public class EventController {

    private final EventRepository events;

    public EventController(EventRepository events) {
        this.events = events;
    }

    @GetMapping
    @Operation(summary = "Events newest first; pass nextCursor as cursor for the next page")
    public EventRepository.Page query(@RequestParam(required = false) String door,
                                      @RequestParam(required = false) String unit,
                                      @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE_TIME) Instant from,
                                      @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE_TIME) Instant to,
                                      @RequestParam(required = false) String outcome,
                                      @RequestParam(required = false) EventKind kind,
                                      @RequestParam(required = false) String cursor,
                                      @RequestParam(defaultValue = "100") int limit) {
        if (limit < 1 || limit > 1000) {
            throw new IllegalArgumentException("limit must be 1..1000");
        }
        return events.page(new EventQuery(door, unit, from, to, outcome, kind), cursor, limit);
    }

    @GetMapping(value = "/export", produces = "text/csv")
    @Operation(summary = "The same filters as a CSV download (newest first, at most max rows)")
    public void export(@RequestParam(required = false) String door,
                       @RequestParam(required = false) String unit,
                       @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE_TIME) Instant from,
                       @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE_TIME) Instant to,
                       @RequestParam(required = false) String outcome,
                       @RequestParam(required = false) EventKind kind,
                       @RequestParam(defaultValue = "100000") int max,
                       HttpServletResponse response) throws IOException {
        if (max < 1 || max > 1_000_000) {
            throw new IllegalArgumentException("max must be 1..1000000");
        }
        EventCsv.write(events, new EventQuery(door, unit, from, to, outcome, kind), max, response);
    }
}
