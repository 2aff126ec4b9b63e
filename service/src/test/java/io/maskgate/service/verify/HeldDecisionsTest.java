package io.maskgate.service.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.maskgate.protocol.Decision;
import io.maskgate.protocol.Label;
import io.maskgate.service.door.DoorPolicy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class HeldDecisionsTest {

    private static UncertainDecision uncertain(String unit, long seq, long arrivedNanos) {
        return new UncertainDecision(Decision.unsigned(unit, "d1", seq, 1_000, Label.MASK, 600, "m"), Instant.now(),
                arrivedNanos, true, DoorPolicy.withMinScore(700), 300);
    }

    @Test
    void aFrameIsClaimedOnceAndARefusedImageGivesTheSlotBack() {
        HeldDecisions held = new HeldDecisions(10, 30_000);
        List<Long> heldSeqs = new ArrayList<>();
        held.onHold((unit, seq) -> heldSeqs.add(seq));
        assertThat(held.hold(uncertain("u1", 5, System.nanoTime()))).isTrue();
        assertThat(heldSeqs).containsExactly(5L);
        assertThat(held.held("u1", 5)).hasValueSatisfying(h -> {
            assertThat(h.doorId()).isEqualTo("d1");
            assertThat(h.score()).isEqualTo(600);
        });
        assertThat(held.held("u2", 5)).isEmpty();
        assertThat(held.claim("u1", 5)).isTrue();
        assertThat(held.claim("u1", 5)).isFalse();
        held.release("u1", 5);
        assertThat(held.claim("u1", 5)).isTrue();
        assertThat(held.claim("u1", 6)).isFalse();
    }

    @Test
    void boundedInCountAndTime() {
        HeldDecisions held = new HeldDecisions(2, 1_000);
        long now = System.nanoTime();
        assertThat(held.hold(uncertain("u1", 1, now - 2_000_000_000L))).isTrue(); // already older than hold-for
        assertThat(held.held("u1", 1)).as("expired").isEmpty();
        assertThat(held.hold(uncertain("u1", 2, now))).isTrue();
        assertThat(held.hold(uncertain("u1", 3, now))).as("the expired one made room").isTrue();
        assertThat(held.hold(uncertain("u1", 4, now))).as("full").isFalse();
        assertThat(held.size()).isEqualTo(2);
    }

    @Test
    void deadlineAndBand() {
        UncertainDecision u = uncertain("u1", 1, 0);
        assertThat(u.inTime(299_000_000L)).isTrue();
        assertThat(u.inTime(301_000_000L)).isFalse();
        assertThat(u.decide()).isTrue();
        assertThat(u.decide()).as("decided once").isFalse();
        DoorVerification band = new DoorVerification(300, 850, 300);
        assertThat(band.uncertain(299)).isFalse();
        assertThat(band.uncertain(300)).isTrue();
        assertThat(band.uncertain(850)).isTrue();
        assertThat(band.uncertain(851)).isFalse();
        assertThatThrownBy(() -> new DoorVerification(600, 500, 300)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new DoorVerification(0, 1000, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
