package io.maskgate.service.console.charts;

import static org.assertj.core.api.Assertions.assertThat;

import io.maskgate.service.console.live.LiveEvent;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChartSeriesTest {

    private static final long NOW = 1_800_000_000_000L;

    private final ChartSeries series = new ChartSeries(null);

    private void decisions(String door, int n) {
        for (int i = 0; i < n; i++) {
            series.onEvent(new LiveEvent(i, Instant.ofEpochMilli(NOW), "DECISION", "ACCEPTED", null, "u", door,
                    "MASK", 900, null, null));
        }
    }

    @Test
    void busiestDoorsAreDrawnAndTheRestSummed() {
        for (int d = 0; d < 10; d++) {
            decisions("door-" + d, 10 + d);
        }
        ChartSeries.Data data = series.data(NOW);
        assertThat(data.decisionsPerDoor().keySet()).hasSize(ChartSeries.TOP_DOORS + 1)
                .contains("door-9", "door-2", "other doors").doesNotContain("door-0", "door-1");
        assertThat(last(data.decisionsPerDoor().get("other doors"))).isEqualTo(10 + 11);
        assertThat(last(data.decisionsPerDoor().get("door-9"))).isEqualTo(19);
    }

    @Test
    void doorsAskedForAreDrawnEvenWhenQuiet() {
        for (int d = 0; d < 10; d++) {
            decisions("door-" + d, 10 + d);
        }
        ChartSeries.Data data = series.data(NOW, List.of("door-0", "door-unknown"));
        assertThat(data.decisionsPerDoor().keySet()).containsExactly("door-0", "door-unknown", "other doors");
        assertThat(last(data.decisionsPerDoor().get("door-0"))).isEqualTo(10);
        assertThat(last(data.decisionsPerDoor().get("door-unknown"))).isZero();
        assertThat(last(data.decisionsPerDoor().get("other doors"))).isEqualTo(145 - 10);
    }

    @Test
    void noOtherSeriesWhenEveryDoorIsDrawn() {
        decisions("a", 3);
        assertThat(series.data(NOW).decisionsPerDoor().keySet()).containsExactly("a");
        assertThat(series.data(NOW, List.of("a")).decisionsPerDoor().keySet()).containsExactly("a");
    }

    private static int last(List<Integer> values) {
        return values.get(values.size() - 1);
    }
}
