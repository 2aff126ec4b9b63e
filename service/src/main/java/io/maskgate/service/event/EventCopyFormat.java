package io.maskgate.service.event;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

/**
 * Renders event rows in PostgreSQL's COPY text format (tab-separated, {@code \N} for null, backslash escapes), in
 * the column order of {@code EventWriter}'s COPY statement. Exists because COPY costs the database far less per
 * row than parameterised INSERTs, and the event log is the largest share of the per-decision database work.
 * Tab, newline and carriage return are kept (COPY escapes); every other control character is written as a
 * visible {@code \\uXXXX}, so no input can make PostgreSQL refuse a batch over an invalid character.
 */
final class EventCopyFormat {

    private static final char[] HEX = "0123456789abcdef".toCharArray();

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
            text(sb, e.detail()).append('\t');
            text(sb, e.modelVersion()).append('\n');
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
                default -> {
                    if (Character.isISOControl(c)) {
                        // PostgreSQL refuses U+0000 in text (and the batch with it); the others are shown, not
                        // stored raw: COPY reads "\\u0000" as the six visible characters \u0000
                        sb.append("\\\\u").append(HEX[c >> 12 & 0xF]).append(HEX[c >> 8 & 0xF])
                                .append(HEX[c >> 4 & 0xF]).append(HEX[c & 0xF]);
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb;
    }
}
