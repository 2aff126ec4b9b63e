package io.maskgate.agent.smoothing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.maskgate.protocol.Label;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Same cases as firmware/tests/test_unit.py, so both units smooth identically. */
class SmootherTest {

    @Test
    void needsNOfMAgreeingFrames() {
        Smoother s = new Smoother(3, 5, 500);
        assertTrue(s.update(900).isEmpty());
        assertTrue(s.update(100).isEmpty());
        assertTrue(s.update(800).isEmpty());
        assertEquals(Optional.of(new Smoother.Smoothed(Label.MASK, 850)), s.update(850));
    }

    @Test
    void aSingleNoisyFrameDoesNotFlipTheLabel() {
        Smoother s = new Smoother(3, 5, 500);
        s.update(100);
        s.update(120);
        assertEquals(Label.NO_MASK, s.update(80).orElseThrow().label());
        assertEquals(Label.NO_MASK, s.update(990).orElseThrow().label());
    }

    @Test
    void resetForgetsTheWindow() {
        Smoother s = new Smoother(2, 3, 500);
        s.update(900);
        assertEquals(Label.MASK, s.update(900).orElseThrow().label());
        s.reset();
        assertTrue(s.update(900).isEmpty());
    }

    @Test
    void refusesWindowsWhereBothLabelsCouldHold() {
        assertThrows(IllegalArgumentException.class, () -> new Smoother(2, 4, 500));
        assertThrows(IllegalArgumentException.class, () -> new Smoother(0, 1, 500));
        assertThrows(IllegalArgumentException.class, () -> new Smoother(3, 5, 1001));
    }

    @Test
    void pacerPublishesChangesAtOnceAndRepeatsAtTheInterval() {
        Pacer p = new Pacer(1000);
        assertTrue(p.shouldPublish(Label.MASK, 0));
        assertEquals(false, p.shouldPublish(Label.MASK, 500));
        assertTrue(p.shouldPublish(Label.NO_MASK, 600));
        assertEquals(false, p.shouldPublish(Label.NO_MASK, 1599));
        assertTrue(p.shouldPublish(Label.NO_MASK, 1600));
    }
}
