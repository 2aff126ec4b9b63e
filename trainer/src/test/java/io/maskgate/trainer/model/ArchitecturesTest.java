package io.maskgate.trainer.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ArchitecturesTest {

    @Test
    void tinyFitsTheParameterAndOpenMvBudgets() {
        Network tiny = Architectures.byName("tiny");
        assertTrue(tiny.parameterCount() <= 128_193, "params " + tiny.parameterCount());
        double fps = 115e6 / tiny.macs();
        assertTrue(fps >= 30, "estimated H7 FPS " + fps + " for " + tiny.macs() + " MACs");
    }

    @Test
    void tinyHasDropoutAfterEveryWeightedLayerButTheClassifier() {
        var layers = Architectures.tiny().layers();
        for (int i = 0; i < layers.size() - 1; i++) {
            Layer l = layers.get(i);
            if (l instanceof Layer.Conv || l instanceof Layer.Depthwise || l instanceof Layer.GlobalMean) {
                assertTrue(layers.get(i + 1) instanceof Layer.Dropout, "no dropout after " + l);
            }
        }
    }

    @Test
    void parameterCountMatchesHandCountForSqueezeNetFireModule() {
        // fire2 on 64 input channels: squeeze 64*16+16, expand1 16*64+64, expand3 9*16*64+64
        Network sq = Architectures.byName("squeezenet");
        long fire2 = sq.params().stream().filter(p -> p.name().startsWith("fire2_")).mapToLong(Network.Param::size)
                .sum();
        assertEquals(64 * 16 + 16 + 16 * 64 + 64 + 9 * 16 * 64 + 64, fire2);
    }

    @Test
    void squeezeNetModIsTwoFireModulesSmaller() {
        Network full = Architectures.byName("squeezenet");
        Network mod = Architectures.byName("squeezenet-mod");
        long fires = full.layers().stream().filter(l -> l instanceof Layer.Fire).count();
        long modFires = mod.layers().stream().filter(l -> l instanceof Layer.Fire).count();
        assertEquals(fires - 2, modFires);
        assertTrue(mod.parameterCount() < full.parameterCount());
    }

    @Test
    void theDoorArchitecturesStayInsideTheUnitsBudget() {
        // issue 10: <= 128,193 parameters and <= 3.8 M MACs (30 FPS at ~115 M MAC/s); wider means more of both
        long previous = 0;
        for (String arch : java.util.List.of("tiny", "tiny-wide", "tiny-l", "tiny-xl")) {
            Network n = Architectures.byName(arch);
            assertTrue(n.parameterCount() <= 128_193, arch + " params " + n.parameterCount());
            assertTrue(n.macs() <= 3_800_000, arch + " MACs " + n.macs());
            assertTrue(n.parameterCount() > previous, arch + " is not wider than the one before");
            previous = n.parameterCount();
        }
    }

    @Test
    void everyVariableNameIsFlat() {
        for (String arch : Architectures.NAMES) {
            for (Network.Param p : Architectures.byName(arch).params()) {
                assertTrue(p.name().matches("[A-Za-z0-9_]+"), arch + ": " + p.name());
            }
        }
    }

    @Test
    void unknownArchitectureNamesTheValidOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Architectures.byName("resnet"));
        assertTrue(e.getMessage().contains("resnet") && e.getMessage().contains("squeezenet-mod"), e.getMessage());
    }
}
