package io.maskgate.service.decision;

import static org.assertj.core.api.Assertions.assertThat;

import io.maskgate.protocol.Decision;
import io.maskgate.protocol.Label;
import io.maskgate.service.door.DoorPolicy;
import io.maskgate.service.door.PolicyMode;
import io.maskgate.service.door.Schedule;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;

class PolicyEvaluatorTest {

    private final PolicyEvaluator evaluator = new PolicyEvaluator();
    private long seq;

    private Decision decision(String door, Label label, int score) {
        return Decision.unsigned("u1", door, ++seq, 1_000, label, score, "m");
    }

    private static DoorPolicy policy(PolicyMode mode, int n, int m) {
        return new DoorPolicy(mode, 700, n, m, 5_000, 3_000, null);
    }

    @Test
    void enforceGrantsConfidentMaskOnly() {
        Instant now = Instant.parse("2026-11-25T12:00:00Z");
        DoorPolicy p = policy(PolicyMode.ENFORCE, 1, 1);
        assertThat(evaluator.evaluate(decision("d", Label.MASK, 900), "d", p, now))
                .isEqualTo(PolicyOutcome.granted("CONSISTENT_MASK", 3_000));
        assertThat(evaluator.evaluate(decision("d", Label.MASK, 699), "d", p, now).reason()).isEqualTo("LOW_SCORE");
        assertThat(evaluator.evaluate(decision("d", Label.NO_MASK, 990), "d", p, now).reason()).isEqualTo("NO_MASK");
    }

    @Test
    void failsSecureOnUnknownDoorOrWrongDoor() {
        Instant now = Instant.now();
        assertThat(evaluator.evaluate(decision("d", Label.MASK, 999), "d", null, now).reason()).isEqualTo("UNKNOWN_DOOR");
        assertThat(evaluator.evaluate(decision("d", Label.MASK, 999), "other", policy(PolicyMode.ENFORCE, 1, 1), now)
                .reason()).isEqualTo("UNIT_NOT_AT_DOOR");
    }

    @Test
    void needsNConsistentFramesOutOfM() {
        DoorPolicy p = policy(PolicyMode.ENFORCE, 3, 5);
        Instant t = Instant.parse("2026-11-25T12:00:00Z");
        assertThat(evaluator.evaluate(decision("d", Label.MASK, 900), "d", p, t).reason()).isEqualTo("NOT_CONSISTENT");
        assertThat(evaluator.evaluate(decision("d", Label.NO_MASK, 10), "d", p, t.plusMillis(100)).unlock()).isFalse();
        assertThat(evaluator.evaluate(decision("d", Label.MASK, 900), "d", p, t.plusMillis(200)).reason())
                .isEqualTo("NOT_CONSISTENT");
        assertThat(evaluator.evaluate(decision("d", Label.MASK, 900), "d", p, t.plusMillis(300)).unlock()).isTrue();
        // old positives fall out of the time window: stale evidence never opens the door
        assertThat(evaluator.evaluate(decision("d", Label.MASK, 900), "d", p, t.plusSeconds(60)).reason())
                .isEqualTo("NOT_CONSISTENT");
    }

    @Test
    void modes() {
        Instant now = Instant.now();
        assertThat(evaluator.evaluate(decision("a", Label.MASK, 999), "a", policy(PolicyMode.LOCKED, 1, 1), now)
                .reason()).isEqualTo("DOOR_LOCKED");
        assertThat(evaluator.evaluate(decision("b", Label.NO_MASK, 0), "b", policy(PolicyMode.OPEN, 1, 1), now)
                .unlock()).isTrue();
        PolicyOutcome monitored = evaluator.evaluate(decision("c", Label.MASK, 999), "c",
                policy(PolicyMode.MONITOR_ONLY, 1, 1), now);
        assertThat(monitored.unlock()).isFalse();
        assertThat(monitored.reason()).isEqualTo("WOULD_BE_GRANTED:CONSISTENT_MASK");
    }

    @Test
    void scheduleLimitsUnlocking() {
        Schedule office = new Schedule(ZoneId.of("Europe/Berlin"),
                EnumSet.range(DayOfWeek.MONDAY, DayOfWeek.FRIDAY), LocalTime.of(8, 0), LocalTime.of(18, 0));
        DoorPolicy p = new DoorPolicy(PolicyMode.ENFORCE, 700, 1, 1, 5_000, 3_000, office);
        // Wednesday 2026-11-25: 12:00 UTC = 13:00 Berlin (open), 18:30 UTC = 19:30 Berlin (closed)
        assertThat(evaluator.evaluate(decision("s", Label.MASK, 900), "s", p,
                Instant.parse("2026-11-25T12:00:00Z")).unlock()).isTrue();
        assertThat(evaluator.evaluate(decision("s", Label.MASK, 900), "s", p,
                Instant.parse("2026-11-25T18:30:00Z")).reason()).isEqualTo("OUTSIDE_SCHEDULE");
        // Saturday
        assertThat(evaluator.evaluate(decision("s", Label.MASK, 900), "s", p,
                Instant.parse("2026-11-28T12:00:00Z")).reason()).isEqualTo("OUTSIDE_SCHEDULE");
    }

    @Test
    void overnightScheduleBelongsToTheDayItStarts() {
        Schedule night = new Schedule(ZoneId.of("UTC"), EnumSet.of(DayOfWeek.FRIDAY), LocalTime.of(22, 0),
                LocalTime.of(6, 0));
        assertThat(night.allows(Instant.parse("2026-11-27T23:00:00Z"))).isTrue();  // Friday night
        assertThat(night.allows(Instant.parse("2026-11-28T05:59:00Z"))).isTrue();  // Saturday early
        assertThat(night.allows(Instant.parse("2026-11-28T06:00:00Z"))).isFalse();
        assertThat(night.allows(Instant.parse("2026-11-26T23:00:00Z"))).isFalse(); // Thursday night
    }
}
