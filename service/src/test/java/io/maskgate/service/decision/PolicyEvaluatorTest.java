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

    /** A decision captured at {@code capturedAt} (a camera's frame evaluated as it arrives). */
    private Decision decision(String door, Label label, int score, Instant capturedAt) {
        return Decision.unsigned("u1", door, ++seq, capturedAt.toEpochMilli(), label, score, "m");
    }

    private static DoorPolicy policy(PolicyMode mode, int n, int m) {
        return new DoorPolicy(mode, 700, n, m, 5_000, 3_000, null);
    }

    @Test
    void enforceGrantsConfidentMaskOnly() {
        Instant now = Instant.parse("2026-11-25T12:00:00Z");
        DoorPolicy p = policy(PolicyMode.ENFORCE, 1, 1);
        assertThat(evaluator.evaluate(decision("d", Label.MASK, 900, now), "d", p, now))
                .isEqualTo(PolicyOutcome.granted("CONSISTENT_MASK", 3_000));
        assertThat(evaluator.evaluate(decision("d", Label.MASK, 699, now), "d", p, now).reason()).isEqualTo("LOW_SCORE");
        assertThat(evaluator.evaluate(decision("d", Label.NO_MASK, 990, now), "d", p, now).reason()).isEqualTo("NO_MASK");
    }

    @Test
    void failsSecureOnUnknownDoorOrWrongDoor() {
        Instant now = Instant.now();
        assertThat(evaluator.evaluate(decision("d", Label.MASK, 999, now), "d", null, now).reason()).isEqualTo("UNKNOWN_DOOR");
        assertThat(evaluator.evaluate(decision("d", Label.MASK, 999, now), "other", policy(PolicyMode.ENFORCE, 1, 1), now)
                .reason()).isEqualTo("UNIT_NOT_AT_DOOR");
    }

    @Test
    void needsNConsistentFramesOutOfM() {
        DoorPolicy p = policy(PolicyMode.ENFORCE, 3, 5);
        Instant t = Instant.parse("2026-11-25T12:00:00Z");
        assertThat(evaluator.evaluate(decision("d", Label.MASK, 900, t), "d", p, t).reason()).isEqualTo("NOT_CONSISTENT");
        assertThat(evaluator.evaluate(decision("d", Label.NO_MASK, 10, t.plusMillis(100)), "d", p, t.plusMillis(100)).unlock()).isFalse();
        assertThat(evaluator.evaluate(decision("d", Label.MASK, 900, t.plusMillis(200)), "d", p, t.plusMillis(200)).reason())
                .isEqualTo("NOT_CONSISTENT");
        assertThat(evaluator.evaluate(decision("d", Label.MASK, 900, t.plusMillis(300)), "d", p, t.plusMillis(300)).unlock()).isTrue();
        // old positives fall out of the time window: stale evidence never opens the door
        assertThat(evaluator.evaluate(decision("d", Label.MASK, 900, t.plusSeconds(60)), "d", p, t.plusSeconds(60)).reason())
                .isEqualTo("NOT_CONSISTENT");
    }

    @Test
    void modes() {
        Instant now = Instant.now();
        assertThat(evaluator.evaluate(decision("a", Label.MASK, 999, now), "a", policy(PolicyMode.LOCKED, 1, 1), now)
                .reason()).isEqualTo("DOOR_LOCKED");
        assertThat(evaluator.evaluate(decision("b", Label.NO_MASK, 0, now), "b", policy(PolicyMode.OPEN, 1, 1), now)
                .unlock()).isTrue();
        PolicyOutcome monitored = evaluator.evaluate(decision("c", Label.MASK, 999, now), "c",
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
        assertThat(evaluator.evaluate(decision("s", Label.MASK, 900, Instant.parse("2026-11-25T12:00:00Z")), "s", p,
                Instant.parse("2026-11-25T12:00:00Z")).unlock()).isTrue();
        assertThat(evaluator.evaluate(decision("s", Label.MASK, 900, Instant.parse("2026-11-25T18:30:00Z")), "s", p,
                Instant.parse("2026-11-25T18:30:00Z")).reason()).isEqualTo("OUTSIDE_SCHEDULE");
        // Saturday
        assertThat(evaluator.evaluate(decision("s", Label.MASK, 900, Instant.parse("2026-11-28T12:00:00Z")), "s", p,
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

    @Test
    void decisionsCapturedLongerAgoThanTheUnlockAgeNeverUnlockInAnyMode() {
        Instant now = Instant.parse("2026-11-25T12:00:00Z");
        Instant old = now.minusMillis(2_001);
        assertThat(evaluator.evaluate(decision("e", Label.MASK, 999, old), "e", policy(PolicyMode.ENFORCE, 1, 1), now))
                .isEqualTo(PolicyOutcome.denied(PolicyEvaluator.STALE_DECISION));
        assertThat(evaluator.evaluate(decision("o", Label.MASK, 999, old), "o", policy(PolicyMode.OPEN, 1, 1), now)
                .unlock()).isFalse();
        assertThat(evaluator.evaluate(decision("m", Label.MASK, 999, old), "m",
                policy(PolicyMode.MONITOR_ONLY, 1, 1), now).reason()).isEqualTo("WOULD_BE_DENIED:STALE_DECISION");
        // exactly at the limit still counts
        assertThat(evaluator.evaluate(decision("e", Label.MASK, 999, now.minusMillis(2_000)), "e",
                policy(PolicyMode.ENFORCE, 1, 1), now).unlock()).isTrue();
    }

    @Test
    void aReleasedBacklogCannotMakeUpNOfM() {
        // 3 of 3 within a 5 s window: two MASK frames 2.5 s and 2.2 s old arrive with a fresh one
        DoorPolicy p = policy(PolicyMode.ENFORCE, 3, 3);
        Instant now = Instant.parse("2026-11-25T12:00:00Z");
        assertThat(evaluator.evaluate(decision("b", Label.MASK, 900, now.minusMillis(2_500)), "b", p, now).unlock())
                .isFalse();
        assertThat(evaluator.evaluate(decision("b", Label.MASK, 900, now.minusMillis(2_200)), "b", p, now).unlock())
                .isFalse();
        assertThat(evaluator.evaluate(decision("b", Label.MASK, 900, now), "b", p, now).reason())
                .isEqualTo("NOT_CONSISTENT");
        // frames that were fresh when they arrived stop counting once they are older than the unlock age
        PolicyEvaluator strict = new PolicyEvaluator(java.time.Duration.ofSeconds(2));
        strict.evaluate(decision("c", Label.MASK, 900, now), "c", p, now);
        strict.evaluate(decision("c", Label.MASK, 900, now.plusMillis(100)), "c", p, now.plusMillis(100));
        assertThat(strict.evaluate(decision("c", Label.MASK, 900, now.plusMillis(2_500)), "c", p,
                now.plusMillis(2_500)).reason()).isEqualTo("NOT_CONSISTENT");
        assertThat(strict.evaluate(decision("c", Label.MASK, 900, now.plusMillis(2_600)), "c", p,
                now.plusMillis(2_600)).reason()).isEqualTo("NOT_CONSISTENT");
        assertThat(strict.evaluate(decision("c", Label.MASK, 900, now.plusMillis(2_700)), "c", p,
                now.plusMillis(2_700)).unlock()).isTrue();
    }
}
