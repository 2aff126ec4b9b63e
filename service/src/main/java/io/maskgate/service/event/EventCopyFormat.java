package io.maskgate.service.event;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

/**
 * Renders event rows in PostgreSQL's COPY text format (tab-separated, {@code \N} for null, backslash escapes), in
 * the column order of {@code EventWriter}'s COPY statement. Exists because COPY costs the database far less per
 * row than parameterised INSERTs, and the event log is the largest share of the per-decision database work.
 */
final class EventCopyFormat {

    private EventCopyFormat() {
    }

    static byte[] rows(List<EventRecord> events) {
        StringBuilder sb = new StringBuilder(events.size() * 200);
        for (EventRecord e : events) {
            instant(sb, e.occurredAt()).append('\t');
            text(sb, e.kind().name()).append('\t');
            text(sb, e.outcome()).append('\t');
            text(sb, e.reason()).append('\t');
            text(sb, e.unitId()).append('\t');
            text(sb, e.doorId()).append('\t');
            number(sb, e.seq()).append('\t');
            text(sb, e.label()).append('\t');
            number(sb, e.score()).append('\t');
            instant(sb, e.capturedAt()).append('\t');
            text(sb, e.commandId()).append('\t');
            text(sb, e.actor()).append('\t');
            text(sb, e.detail()).append('\n');
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static StringBuilder instant(StringBuilder sb, Instant value) {
        // ISO-8601 with 'Z': timestamptz input; sub-microsecond digits are rounded by PostgreSQL as before
        return value == null ? sb.append("\\N") : sb.append(value);
    }

    private static StringBuilder number(StringBuilder sb, Number value) {
        return value == null ? sb.append("\\N") : sb.append(value.longValue());
    }

    static StringBuilder text(StringBuilder sb, String value) {
        if (value == null) {
            return sb.append("\\N");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\\' -> sb.append("\\\\");
                case '\t' -> sb.append("\\t");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                default -> sb.append(c);
            }
        }
        return sb;
    }
}
