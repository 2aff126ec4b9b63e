package io.maskgate.service.rollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DisagreementRuleTest {

    private static DisagreementRule.Sample s(long verified, long disagreed) {
        return new DisagreementRule.Sample(verified, disagreed);
    }

    @Test
    void pausesOnlyAboveTheThresholdAndOnceTheSampleIsLargeEnough() {
        DisagreementRule rule = new DisagreementRule(10, 20);
        assertThat(rule.pauses(s(19, 19))).as("below the minimum sample").isFalse();
        assertThat(rule.pauses(s(20, 2))).as("exactly 10 %: not above").isFalse();
        assertThat(rule.pauses(s(20, 3))).as("15 %").isTrue();
        assertThat(rule.pauses(s(1000, 100))).isFalse();
        assertThat(rule.pauses(s(1000, 101))).isTrue();
        assertThat(rule.pauses(s(0, 0))).isFalse();
        assertThat(new DisagreementRule(100, 1).pauses(s(5, 5))).as("100 %: never above").isFalse();
        assertThat(new DisagreementRule(1, 1).pauses(s(1, 1))).isTrue();
    }

    @Test
    void theReasonNamesTheFigures() {
        assertThat(new DisagreementRule(10, 20).reason("tiny-v2", s(40, 9)))
                .isEqualTo("int8/float disagreement of tiny-v2: 9 of 40 re-verified frames (22.5 %) above the "
                        + "threshold 10 % (minimum sample 20)");
    }

    @Test
    void outOfRangeSettingsAreRefused() {
        assertThatThrownBy(() -> new DisagreementRule(0, 20)).hasMessageContaining("disagreementThreshold");
        assertThatThrownBy(() -> new DisagreementRule(101, 20)).hasMessageContaining("disagreementThreshold");
        assertThatThrownBy(() -> new DisagreementRule(10, 0)).hasMessageContaining("disagreementMinFrames");
    }
}
