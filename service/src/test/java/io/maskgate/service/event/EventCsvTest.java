package io.maskgate.service.event;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The CSV export's formula guard and quoting. */
class EventCsvTest {

    @Test
    void formulaStartsAreDefused() {
        assertThat(EventCsv.csv("=HYPERLINK(\"http://x\")")).isEqualTo("\"'=HYPERLINK(\"\"http://x\"\")\"");
        assertThat(EventCsv.csv("+1")).isEqualTo("'+1");
        assertThat(EventCsv.csv("-2+3")).isEqualTo("'-2+3");
        assertThat(EventCsv.csv("@SUM(A1)")).isEqualTo("'@SUM(A1)");
        assertThat(EventCsv.csv("\t=cmd|' /C calc'!A0")).as("leading TAB").isEqualTo("'\t=cmd|' /C calc'!A0");
        assertThat(EventCsv.csv("\r=1+1")).as("leading CR (quoted as it holds a CR)").isEqualTo("\"'\r=1+1\"");
    }

    @Test
    void numbersAndPlainTextPassUnchanged() {
        assertThat(EventCsv.csv(-5)).isEqualTo("-5");
        assertThat(EventCsv.csv("door-1")).isEqualTo("door-1");
        assertThat(EventCsv.csv("a\tb")).as("a TAB inside is harmless").isEqualTo("a\tb");
        assertThat(EventCsv.csv("a,b")).isEqualTo("\"a,b\"");
        assertThat(EventCsv.csv(null)).isEmpty();
    }
}
