package io.maskgate.service.console.live;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class TileBoardTest {

    static final long T0 = 1_800_000_000_000L;

    static LiveEvent ev(long id, long at, String kind, String outcome, String reason, String command, String detail) {
        return new LiveEvent(id, Instant.ofEpochMilli(at), kind, outcome, reason, "u1", "d1", "MASK", 900, command,
                detail);
    }

    TileBoard board() {
        TileBoard b = new TileBoard(500);
        b.doors(List.of(new TileBoard.DoorInfo("d1", "Door one", "ENFORCE")));
        b.units("d1", 1, 1);
        b.due(T0);
        return b;
    }

    @Test
    void lockIsCommandedUntilTheActuatorAcksThenConfirmedThenRelocksWhenTheUnlockRunsOut() {
        TileBoard b = board();
        b.apply(ev(1, T0, "COMMAND", "SENT", "UNLOCK", "c1", "attempt=1 durationMs=3000 expiresAt=1"));
        assertThat(b.due(T0 + 600)).singleElement().satisfies(t -> assertThat(t.lock()).isEqualTo("UNLOCK_PENDING"));
        b.apply(ev(2, T0 + 700, "ACK", "DONE", null, "c1", null));
        assertThat(b.due(T0 + 1200)).singleElement().satisfies(t -> assertThat(t.lock()).isEqualTo("UNLOCKED"));
        assertThat(b.due(T0 + 2000)).as("nothing changed").isEmpty();
        assertThat(b.due(T0 + 3100)).singleElement().satisfies(t -> assertThat(t.lock()).isEqualTo("LOCKED"));
    }

    @Test
    void anAckForAnotherCommandDoesNotConfirmAndNoAckFlagsTheActuator() {
        TileBoard b = board();
        b.apply(ev(1, T0, "COMMAND", "SENT", "UNLOCK", "c1", "durationMs=3000"));
        b.apply(ev(2, T0 + 10, "ACK", "DONE", null, "other", null));
        assertThat(b.due(T0 + 600).get(0).lock()).isEqualTo("UNLOCK_PENDING");
        b.apply(ev(3, T0 + 1000, "ALERT", "NO_ACK", "UNLOCK", "c1", "attempts=3"));
        TileView t = b.due(T0 + 1200).get(0);
        assertThat(t.lock()).isEqualTo("LOCKED");
        assertThat(t.flags()).contains("Actuator not acknowledging commands");
    }

    @Test
    void updatesOfABusyTileAreCoalescedToOnePerIntervalWithTheLatestState() {
        TileBoard b = board();
        for (int i = 0; i < 100; i++) {
            b.apply(new LiveEvent(i, Instant.ofEpochMilli(T0 + i), "DECISION", "ACCEPTED", null, "u1", "d1", "MASK",
                    i, null, null));
            b.apply(ev(1000 + i, T0 + i, "VERDICT", i % 2 == 0 ? "GRANTED" : "DENIED", "X", null, null));
        }
        List<TileView> first = b.due(T0 + 600);
        assertThat(first).hasSize(1);
        assertThat(first.get(0).lastScore()).isEqualTo(99);
        assertThat(first.get(0).unlocksHour()).isEqualTo(50);
        assertThat(first.get(0).refusalsHour()).isEqualTo(50);
        b.apply(ev(5000, T0 + 700, "VERDICT", "DENIED", "X", null, null));
        assertThat(b.due(T0 + 800)).as("within the interval: held back").isEmpty();
        assertThat(b.due(T0 + 1100)).singleElement().satisfies(t -> assertThat(t.refusalsHour()).isEqualTo(51));
    }

    @Test
    void offlineUnitsAndUnknownDoorsAreHandled() {
        TileBoard b = board();
        b.units("d1", 0, 2);
        assertThat(b.due(T0 + 600).get(0).flags()).contains("2 of 2 units offline");
        b.apply(new LiveEvent(1, Instant.ofEpochMilli(T0), "DECISION", "ACCEPTED", null, "u", "nope", "MASK", 1,
                null, null));
        assertThat(b.due(T0 + 1200)).isEmpty();
    }

    @Test
    void durationIsReadFromTheCommandDetail() {
        assertThat(TileBoard.durationOf("attempt=1 durationMs=3000 expiresAt=5")).isEqualTo(3000);
        assertThat(TileBoard.durationOf("durationMs=")).isZero();
        assertThat(TileBoard.durationOf(null)).isZero();
    }
}
