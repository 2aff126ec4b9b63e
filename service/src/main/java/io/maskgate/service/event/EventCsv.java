package io.maskgate.service.event;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;

/** The event log as CSV (API export and the console's "CSV of this view"): same columns, same quoting. */
public final class EventCsv {

    private EventCsv() {
    }

    /** Streams the rows matching {@code query} (newest first, at most {@code max}) as a CSV download. */
    public static void write(EventRepository events, EventQuery query, int max, HttpServletResponse response)
            throws IOException {
        response.setContentType("text/csv;charset=UTF-8");
        response.setHeader("Content-Disposition", "attachment; filename=\"maskgate-events.csv\"");
        PrintWriter out = response.getWriter();
        out.println("id,occurred_at,kind,outcome,reason,unit_id,door_id,seq,label,score,captured_at,command_id,"
                + "actor,detail");
        events.stream(query, max, e -> out.println(String.join(",",
                String.valueOf(e.id()), csv(e.occurredAt()), e.kind().name(), csv(e.outcome()), csv(e.reason()),
                csv(e.unitId()), csv(e.doorId()), csv(e.seq()), csv(e.label()), csv(e.score()),
                csv(e.capturedAt()), csv(e.commandId()), csv(e.actor()), csv(e.detail()))));
        if (out.checkError()) {
            throw new UncheckedIOException(new IOException("client went away during CSV export"));
        }
    }

    /**
     * RFC 4180 quoting; also defuses spreadsheet formulas in free text: a value starting with =, +, -, @, TAB or CR
     * gets a leading apostrophe (spreadsheets strip leading TAB/CR and then evaluate what follows).
     */
    static String csv(Object value) {
        if (value == null) {
            return "";
        }
        String s = value.toString();
        if (!s.isEmpty() && "=+-@\t\r".indexOf(s.charAt(0)) >= 0 && !(value instanceof Number)) {
            s = "'" + s;
        }
        if (s.contains(",") || s.contains("\"") || s.contains("\n") || s.contains("\r")) {
            return '"' + s.replace("\"", "\"\"") + '"';
        }
        return s;
    }
}
