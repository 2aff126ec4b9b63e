package io.maskgate.service.event;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventCopyFormatTest {

    @Test
    void rendersNullsNumbersAndInstantsInColumnOrder() {
        EventRecord e = new EventRecord(Instant.parse("2026-11-25T14:00:00.123456Z"), EventKind.DECISION,
                "ACCEPTED", null, "unit-1", "door-1", 42L, "MASK", 930, Instant.parse("2026-11-25T13:59:59Z"), null,
                null, "model=x", true, "tiny-v1");
        String row = new String(EventCopyFormat.rows(List.of(e)), StandardCharsets.UTF_8);
        assertThat(row).isEqualTo("2026-11-25T14:00:00.123456Z\tDECISION\tACCEPTED\t\\N\tunit-1\tdoor-1\t42\tMASK\t930\t"
                + "2026-11-25T13:59:59Z\t\\N\t\\N\tmodel=x\ttiny-v1\n");
    }

    @Test
    void escapesSeparatorsAndBackslashesSoHostileTextStaysInItsColumn() {
        EventRecord e = EventRecord.of(Instant.EPOCH, EventKind.DECISION, "REJECTED", "MALFORMED", null, null, null,
                null, null, "a\tb\nc\rd\\N\u00e9");
        String row = new String(EventCopyFormat.rows(List.of(e, e)), StandardCharsets.UTF_8);
        String line = row.substring(0, row.indexOf('\n') + 1);
        assertThat(row).isEqualTo(line + line);
        assertThat(line.split("\t", -1)).hasSize(14);
        assertThat(line).endsWith("\ta\\tb\\nc\\rd\\\\N\u00e9\t\\N\n");
    }

    @Test
    void controlCharactersPostgresRefusesNeverReachTheCopyStream() {
        // U+0000 inside a text value made PostgreSQL refuse the whole COPY batch (SQLSTATE 22021)
        EventRecord e = EventRecord.of(Instant.EPOCH, EventKind.DECISION, "REJECTED", "MALFORMED", "u\u0000", null,
                null, null, null, "unknown field \"x\u0000y\u0001\u007f\u0085\"");
        byte[] bytes = EventCopyFormat.rows(List.of(e));
        String row = new String(bytes, StandardCharsets.UTF_8);
        int tabs = 0;
        for (int i = 0; i < row.length(); i++) {
            char c = row.charAt(i);
            if (c == '\t') {
                tabs++;
            } else if (c != '\n' || i != row.length() - 1) {
                assertThat(Character.isISOControl(c)).as("raw U+%04x at %d in %s", (int) c, i, row).isFalse();
            }
        }
        assertThat(tabs).isEqualTo(13);
        // shown, not lost: COPY turns "\\u0000" into the six characters \u0000
        assertThat(row).endsWith("\tunknown field \"x\\\\u0000y\\\\u0001\\\\u007f\\\\u0085\"\t\\N\n");
        assertThat(row).contains("\tu\\\\u0000\t");
    }
}
