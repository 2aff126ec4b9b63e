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
                null, "model=x", true);
        String row = new String(EventCopyFormat.rows(List.of(e)), StandardCharsets.UTF_8);
        assertThat(row).isEqualTo("2026-11-25T14:00:00.123456Z\tDECISION\tACCEPTED\t\\N\tunit-1\tdoor-1\t42\tMASK\t930\t"
                + "2026-11-25T13:59:59Z\t\\N\t\\N\tmodel=x\n");
    }

    @Test
    void escapesSeparatorsAndBackslashesSoHostileTextStaysInItsColumn() {
        EventRecord e = EventRecord.of(Instant.EPOCH, EventKind.DECISION, "REJECTED", "MALFORMED", null, null, null,
                null, null, "a\tb\nc\rd\\N\u00e9");
        String row = new String(EventCopyFormat.rows(List.of(e, e)), StandardCharsets.UTF_8);
        String line = row.substring(0, row.indexOf('\n') + 1);
        assertThat(row).isEqualTo(line + line);
        assertThat(line.split("\t", -1)).hasSize(13);
        assertThat(line).endsWith("\ta\\tb\\nc\\rd\\\\N\u00e9\n");
    }
}
