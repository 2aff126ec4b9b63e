package io.maskgate.tinyml.finder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class FinderDecoderTest {
    private static final int G = FinderSpec.GRID;
    private static final int C = FinderSpec.CHANNELS;

    private static double[] empty() {
        double[] p = new double[G * G * C];
        for (int i = 0; i < G * G; i++) {
            p[i * C + FinderSpec.DX] = 0.5;
            p[i * C + FinderSpec.DY] = 0.5;
            p[i * C + FinderSpec.WIDTH] = 0.1;
            p[i * C + FinderSpec.HEIGHT] = 0.1;
        }
        return p;
    }

    private static void set(double[] p, int x, int y, double score, double dx, double dy, double w, double h) {
        int i = (y * G + x) * C;
        p[i] = score;
        p[i + FinderSpec.DX] = FinderSpec.offsetTarget(dx);
        p[i + FinderSpec.DY] = FinderSpec.offsetTarget(dy);
        p[i + FinderSpec.WIDTH] = w / FinderSpec.INPUT;
        p[i + FinderSpec.HEIGHT] = h / FinderSpec.INPUT;
    }

    @Test
    void decodesCentreOffsetAndSizeOfAPeak() {
        double[] p = empty();
        set(p, 5, 7, 0.9, 0.25, -0.5, 32, 40);
        List<Detection> d = FinderDecoder.defaults().decode(p);
        assertEquals(1, d.size());
        Box b = d.get(0).box();
        assertEquals((5 + 0.5 + 0.25) * 8, b.centreX(), 1e-9);
        assertEquals((7 + 0.5 - 0.5) * 8, b.centreY(), 1e-9);
        assertEquals(32, b.width(), 1e-9);
        assertEquals(40, b.height(), 1e-9);
        assertEquals(0.9, d.get(0).score(), 1e-12);
    }

    @Test
    void belowThresholdAndNonMaximaAreDropped() {
        double[] p = empty();
        set(p, 3, 3, 0.49, 0, 0, 20, 20);
        set(p, 10, 10, 0.8, 0, 0, 30, 30);
        set(p, 11, 10, 0.7, 0, 0, 30, 30); // neighbour of a stronger peak: not a centre
        List<Detection> d = FinderDecoder.defaults().decode(p);
        assertEquals(1, d.size());
        assertEquals(0.8, d.get(0).score(), 1e-12);
    }

    @Test
    void overlappingBoxesOfSeparatePeaksKeepTheStronger() {
        double[] p = empty();
        set(p, 4, 4, 0.9, 0, 0, 60, 60);
        set(p, 7, 4, 0.6, -1.5, 0, 60, 60); // two cells apart but predicts nearly the same box
        set(p, 13, 13, 0.7, 0, 0, 10, 10);
        List<Detection> d = FinderDecoder.defaults().decode(p);
        assertEquals(2, d.size());
        assertEquals(0.9, d.get(0).score(), 1e-12);
        assertEquals(0.7, d.get(1).score(), 1e-12);
    }

    @Test
    void equalNeighboursGiveOneCentre() {
        double[] p = empty();
        set(p, 8, 8, 0.8, 0, 0, 20, 20);
        set(p, 9, 8, 0.8, 0, 0, 20, 20);
        assertEquals(1, new FinderDecoder(0.5, 0.99).decode(p).size());
    }

    @Test
    void rejectsWrongSizesAndThresholds() {
        assertThrows(IllegalArgumentException.class, () -> FinderDecoder.defaults().decode(new double[10]));
        assertThrows(IllegalArgumentException.class, () -> new FinderDecoder(0, 0.3));
        assertThrows(IllegalArgumentException.class, () -> new FinderDecoder(1.5, 0.3));
        assertTrue(FinderDecoder.defaults().decode(empty()).isEmpty());
    }
}
