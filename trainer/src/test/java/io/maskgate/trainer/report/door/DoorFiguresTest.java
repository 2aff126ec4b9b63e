package io.maskgate.trainer.report.door;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class DoorFiguresTest {

    @Test
    void perMilleRoundsLikeTheUnit() {
        assertEquals(500, ScoredModel.perMille(0.5));
        assertEquals(996, ScoredModel.perMille(255 / 256.0));
        assertEquals(0, ScoredModel.perMille(Double.NaN));
        assertEquals(1000, ScoredModel.perMille(1.2));
        assertEquals(700, ScoredModel.perMille(0.6995));
    }

    @Test
    void figuresCountFalseUnlocksRefusalsAndBalancedAccuracy() {
        int[] truth = {1, 1, 1, 1, 0, 0};
        int[] score = {900, 800, 650, 300, 720, 100};
        boolean[] decision = {true, true, true, false, true, false};
        boolean[] other = {true, true, false, false, true, false};
        SetFigures f = SetFigures.of("s", "val", truth, score, decision, other, 750);
        assertEquals(4, f.mask());
        assertEquals(2, f.noMask());
        assertEquals(0.75, f.maskRecall(), 1e-12);
        assertEquals(0.5, f.noMaskRecall(), 1e-12);
        assertEquals(0.625, f.balancedAccuracy(), 1e-12);
        assertEquals(4.0 / 6, f.accuracy(), 1e-12);
        assertEquals(0, f.falseUnlocks()); // 720 < 750
        assertEquals(2, f.falseRefusals()); // 650 and 300
        assertEquals(1, f.unlocksAt700()); // 720 >= 700
        assertEquals(5.0 / 6, f.agreement(), 1e-12);
    }

    @Test
    void calibrationTakesTheLowestThresholdMeetingTheTargetOnEveryValidationSetOnly() {
        // val a: 100 no_mask faces, two score 0.8 and one 0.9; val b: 100 no_mask, one scores 0.95
        int[] truth = new int[100];
        float[] a = new float[100];
        float[] b = new float[100];
        a[0] = 0.8f;
        a[1] = 0.8f;
        a[2] = 0.9f;
        b[0] = 0.95f;
        // a test set with many high scores must not move the threshold
        float[] test = new float[100];
        java.util.Arrays.fill(test, 0.99f);
        ScoredModel m = ScoredModel.ofInt8("a", EvalSet.Role.VAL, truth, a).with("b", EvalSet.Role.VAL, truth, b)
                .with("t", EvalSet.Role.TEST, truth, test);
        Calibration.Choice c = Calibration.choose(m);
        // at 801 val a has one unlock (1 %), val b one (1 %): the first threshold with <= 1 % on both
        assertEquals(801, c.threshold());
        assertEquals(0.01, m.falseUnlockRate("a", 801), 1e-12);
        assertEquals(0.03, m.falseUnlockRate("a", 800), 1e-12);
        assertEquals(List.of("a", "b"), m.sets(EvalSet.Role.VAL));
    }
}
