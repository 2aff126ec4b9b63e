package io.maskgate.service.console.events;

import io.maskgate.service.event.EventCsv;
import io.maskgate.service.event.EventKind;
import io.maskgate.service.event.EventQuery;
import io.maskgate.service.event.EventRepository;
import io.maskgate.service.web.FieldException;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * Events: the event log filtered by door, unit, kind, outcome and time range (UTC), newest first, a page at a time
 * by cursor; "CSV of this view" exports the same filters.
 */
@Controller
class EventPagesController {

    static final int PAGE = 50;
    static final int CSV_MAX = 100_000;

    private final EventRepository events;

    EventPagesController(EventRepository events) {
        this.events = events;
    }

    @GetMapping("/console/events")
    String page(@RequestParam Map<String, String> params, Model model) {
        model.addAttribute("f", params);
        model.addAttribute("kinds", List.of(EventKind.values()));
        model.addAttribute("outcomes", new TreeSet<>(EventQuery.OUTCOMES));
        try {
            EventQuery query = query(params);
            EventRepository.Page page = events.page(query, params.get("cursor"), PAGE);
            model.addAttribute("page", page);
        } catch (FieldException e) {
            model.addAttribute("errors", Map.of(e.field(), e.getMessage()));
            model.addAttribute("page", new EventRepository.Page(List.of(), null));
        } catch (IllegalArgumentException e) {
            model.addAttribute("errors", Map.of("cursor", e.getMessage()));
            model.addAttribute("page", new EventRepository.Page(List.of(), null));
        }
        return "console/events";
    }

    @GetMapping(value = "/console/events.csv", produces = "text/csv")
    void csv(@RequestParam Map<String, String> params, HttpServletResponse response) throws IOException {
        EventCsv.write(events, query(params), CSV_MAX, response);
    }

    static EventQuery query(Map<String, String> p) {
        EventKind kind = null;
        String k = p.get("kind");
        if (k != null && !k.isBlank()) {
            try {
                kind = EventKind.valueOf(k);
            } catch (IllegalArgumentException e) {
                throw new FieldException("kind", "kind must be one of " + List.of(EventKind.values()));
            }
        }
        return new EventQuery(p.get("door"), p.get("unit"), time("from", p.get("from")), time("to", p.get("to")),
                p.get("outcome"), kind);
    }

    /** A datetime-local value (taken as UTC) or an ISO instant. */
    private static Instant time(String field, String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return text.endsWith("Z") ? Instant.parse(text) : LocalDateTime.parse(text).toInstant(ZoneOffset.UTC);
        } catch (RuntimeException e) {
            throw new FieldException(field, field + " must be a date and time, e.g. 2026-12-01T08:00 (UTC)");
        }
    }
}
