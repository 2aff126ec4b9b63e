package io.maskgate.service.event;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns an event the database refused into one it takes, without losing what it said: text is cut to a bounded
 * length, timestamps outside years 1..9999 are replaced (occurred_at by the time of sanitising, captured_at by
 * null) and every changed value is written, escaped, into the detail together with the database's reason. An
 * audit log keeps a row for every message; a hostile value must cost only its own row's fidelity.
 */
final class EventSanitiser {

    static final int MAX_TEXT = 1000;
    private static final long MIN_MILLIS = Instant.parse("0001-01-01T00:00:00Z").toEpochMilli();
    private static final long MAX_MILLIS = Instant.parse("9999-12-31T23:59:59.999Z").toEpochMilli();

    private EventSanitiser() {
    }

    static EventRecord sanitise(EventRecord e, String why) {
        List<String> changes = new ArrayList<>();
        Instant occurredAt = e.occurredAt();
        if (!storable(occurredAt)) {
            changes.add("occurred_at=" + occurredAt);
            occurredAt = Instant.now();
        }
        Instant capturedAt = e.capturedAt();
        if (capturedAt != null && !storable(capturedAt)) {
            changes.add("captured_at=" + capturedAt);
            capturedAt = null;
        }
        String detail = (e.detail() == null ? "" : cut(e.detail()) + " ") + "[sanitised"
                + (changes.isEmpty() ? "" : ": " + String.join(", ", changes)) + "; database: " + cut(why) + "]";
        return new EventRecord(occurredAt, e.kind(), cut(e.outcome()), cut(e.reason()), cut(e.unitId()),
                cut(e.doorId()), e.seq(), cut(e.label()), e.score(), capturedAt, cut(e.commandId()), cut(e.actor()),
                detail, e.idempotent(), cut(e.modelVersion()));
    }

    private static boolean storable(Instant t) {
        if (t == null) {
            return true;
        }
        long ms;
        try {
            ms = t.toEpochMilli();
        } catch (ArithmeticException overflow) {
            return false;
        }
        return ms >= MIN_MILLIS && ms <= MAX_MILLIS;
    }

    private static String cut(String s) {
        if (s == null) {
            return null;
        }
        StringBuilder sb = new StringBuilder(Math.min(s.length(), MAX_TEXT));
        for (int i = 0; i < s.length() && sb.length() < MAX_TEXT; i++) {
            char c = s.charAt(i);
            // a lone surrogate cannot be encoded as UTF-8: shown as an escape like a control character
            if (Character.isSurrogate(c) && !(Character.isHighSurrogate(c) && i + 1 < s.length()
                    && Character.isLowSurrogate(s.charAt(i + 1)))
                    && !(Character.isLowSurrogate(c) && i > 0 && Character.isHighSurrogate(s.charAt(i - 1)))) {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }
}
