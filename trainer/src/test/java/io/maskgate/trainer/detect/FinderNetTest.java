package io.maskgate.trainer.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.maskgate.tinyml.finder.FinderSpec;
import org.junit.jupiter.api.Test;

class FinderNetTest {

    @Test
    void bothArchitecturesEndInTheFinderGridWithinTheCameraBudget() {
        for (String arch : new String[] {"finder-v1", "finder-v2"}) {
            FinderNet net = FinderNet.byName(arch);
            assertEquals(FinderSpec.GRID, net.grid(), arch);
            // 10 FPS on 115 M MAC/s leaves 11.5 M MACs for finder + classifier (2.19 M)
            assertTrue(net.macs() + 2_190_000L <= 11_500_000L, arch + " MACs " + net.macs());
            assertTrue(net.parameterCount() < 100_000, arch);
        }
        assertEquals(7_372_800L, FinderNet.v2().macs());
    }

    @Test
    void unknownArchitectureIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> FinderNet.byName("yolo"));
    }
}
