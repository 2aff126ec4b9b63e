package io.maskgate.service.rollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.maskgate.protocol.OtaState;
import io.maskgate.service.unit.Unit;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RolloutStateMachinesTest {

    @Test
    void rolloutTransitionsAreOwnedByTheEnum() {
        assertThat(RolloutStatus.READY.moveTo(RolloutStatus.RUNNING)).isEqualTo(RolloutStatus.RUNNING);
        assertThat(RolloutStatus.RUNNING.moveTo(RolloutStatus.PAUSED)).isEqualTo(RolloutStatus.PAUSED);
        assertThatThrownBy(() -> RolloutStatus.WAITING_FOR_APPROVAL.moveTo(RolloutStatus.RUNNING))
                .hasMessageContaining("cannot become RUNNING");
        assertThatThrownBy(() -> RolloutStatus.ROLLED_BACK.moveTo(RolloutStatus.RUNNING))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> GroupStatus.SCHEDULED.moveTo(GroupStatus.FINISHED))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void actionsOnlyMoveForwardAndTerminalStatesStay() {
        assertThat(ActionStatus.OFFERED.on(OtaState.DOWNLOADING)).isEqualTo(ActionStatus.DOWNLOADING);
        assertThat(ActionStatus.VERIFIED.on(OtaState.DOWNLOADING)).as("a late progress report").isEqualTo(
                ActionStatus.VERIFIED);
        assertThat(ActionStatus.ACTIVATED.on(OtaState.SELF_TEST_PASSED)).isEqualTo(ActionStatus.SUCCEEDED);
        assertThat(ActionStatus.ACTIVATED.on(OtaState.ROLLED_BACK)).isEqualTo(ActionStatus.ROLLED_BACK);
        assertThat(ActionStatus.TIMED_OUT.on(OtaState.SELF_TEST_PASSED)).isEqualTo(ActionStatus.TIMED_OUT);
        assertThat(ActionStatus.DOWNLOADING.stop(ActionStatus.TIMED_OUT)).isEqualTo(ActionStatus.TIMED_OUT);
        assertThatThrownBy(() -> ActionStatus.SUCCEEDED.stop(ActionStatus.CANCELED))
                .isInstanceOf(IllegalStateException.class);
        assertThat(ActionStatus.TIMED_OUT.error()).isTrue();
        assertThat(ActionStatus.CANCELED.error()).isFalse();
    }

    @Test
    void splitGivesACanaryThenCumulativeWavesWithEveryUnitOnce() {
        List<Unit> units = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            units.add(new Unit("u" + i, "u" + i, "door-" + (i % 5), true, 0, Instant.EPOCH));
        }
        List<List<Unit>> groups = RolloutTargets.split(units, 5, List.of(50, 100), "RANDOM", 7);
        assertThat(groups).extracting(List::size).containsExactly(5, 23, 22);
        Set<String> seen = new HashSet<>();
        groups.forEach(g -> g.forEach(u -> assertThat(seen.add(u.id())).isTrue()));
        assertThat(seen).hasSize(50);
        List<List<Unit>> byDoor = RolloutTargets.split(units, 10, List.of(100), "BY_DOOR", 7);
        assertThat(byDoor.get(0)).allMatch(u -> u.doorId().equals("door-0"));
    }
}
