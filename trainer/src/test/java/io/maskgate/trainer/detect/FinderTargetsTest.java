package io.maskgate.trainer.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.maskgate.tinyml.finder.Box;
import io.maskgate.tinyml.finder.FinderDecoder;
import io.maskgate.tinyml.finder.FinderSpec;
import io.maskgate.tinyml.finder.Detection;
import java.util.List;
import org.junit.jupiter.api.Test;

class FinderTargetsTest {
    private static final int G = FinderSpec.GRID;
    private static final int C = FinderSpec.CHANNELS;

    @Test
    void aFaceIsPositiveAtItsCentreCellWithItsOffsetAndSize() {
        Box face = new Box(40, 50, 60, 74); // centre (50, 62) = (6.25, 7.75) cells: cell (6, 7), offset (-0.25, 0.25)
        FinderTargets t = FinderTargets.encode(List.of(face), List.of());
        int i = (7 * G + 6) * C;
        assertEquals(1f, t.target()[i]);
        assertEquals(FinderTargets.POSITIVE_WEIGHT, t.weight()[i]);
        assertEquals(FinderSpec.offsetTarget(-0.25), t.target()[i + FinderSpec.DX], 1e-6);
        assertEquals(FinderSpec.offsetTarget(0.25), t.target()[i + FinderSpec.DY], 1e-6);
        assertEquals(20.0 / FinderSpec.INPUT, t.target()[i + FinderSpec.WIDTH], 1e-6);
        assertEquals(24.0 / FinderSpec.INPUT, t.target()[i + FinderSpec.HEIGHT], 1e-6);
        assertEquals(1, t.positives());
        // far away: a taught negative without box loss
        int far = (0 * G + 15) * C;
        assertEquals(0f, t.target()[far]);
        assertEquals(1f, t.weight()[far]);
        assertEquals(0f, t.weight()[far + FinderSpec.WIDTH]);
    }

    @Test
    void neighboursOfACentreAreIgnoredNotTaughtNegative() {
        FinderTargets t = FinderTargets.encode(List.of(new Box(40, 50, 60, 74)), List.of());
        // cell (6, 8) is 0.75 cells below the centre (6.25, 7.75): within the ignore radius, outside the positive one
        assertEquals(0f, t.weight()[(8 * G + 6) * C]);
        assertEquals(0f, t.target()[(8 * G + 6) * C]);
        // cell (8, 7) is 1.75 cells away: a taught negative
        assertEquals(1f, t.weight()[(7 * G + 8) * C]);
    }

    @Test
    void tinyAndCutFacesAreIgnoredOnly() {
        Box tiny = Box.centred(100, 100, 3, 4);
        Box cut = Box.centred(20, 20, 30, 30);
        FinderTargets t = FinderTargets.encode(List.of(tiny), List.of(cut));
        assertEquals(0, t.positives());
        assertEquals(0f, t.weight()[(12 * G + 12) * C]);
        assertEquals(0f, t.weight()[(2 * G + 2) * C]);
    }

    @Test
    void largeFacesGetSeveralPositivesThatDecodeToTheFace() {
        Box face = new Box(30, 20, 100, 110);
        FinderTargets t = FinderTargets.encode(List.of(face), List.of());
        assertTrue(t.positives() > 1, "positives " + t.positives());
        double[] p = new double[G * G * C];
        for (int i = 0; i < p.length; i++) {
            p[i] = t.target()[i];
        }
        List<Detection> d = FinderDecoder.defaults().decode(p);
        assertEquals(1, d.size());
        assertTrue(d.get(0).box().iou(face) > 0.95, d.toString());
    }
}
