package io.maskgate.tinyml.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.maskgate.tinyml.TestPaths;
import io.maskgate.tinyml.interpreter.Interpreter;
import io.maskgate.tinyml.model.TfliteModel;
import io.maskgate.tinyml.writer.SyntheticCnn;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The SIMD kernels (JDK Vector API, enabled by the test JVM's --add-modules) and the plain-Java kernels
 * (-Dtinyml.vector=false) must produce the same integers on whole graphs.
 */
class SimdScalarEquivalenceTest {

    private static Interpreter build(TfliteModel m, boolean vector) throws Exception {
        String old = System.getProperty("tinyml.vector");
        System.setProperty("tinyml.vector", Boolean.toString(vector));
        try {
            return new Interpreter(m);
        } finally {
            if (old == null) {
                System.clearProperty("tinyml.vector");
            } else {
                System.setProperty("tinyml.vector", old);
            }
        }
    }

    @Test
    void simdAndScalarPathsAgreeExactly() throws Exception {
        assertTrue(Dots.vectorAvailable(), "tests run with --add-modules jdk.incubator.vector (see tinyml/pom.xml)");
        List<TfliteModel> models = new ArrayList<>();
        models.add(SyntheticCnn.build(3));
        if (Files.exists(TestPaths.singTownModel())) {
            models.add(TfliteModel.read(TestPaths.singTownModel()));
        }
        Random rnd = new Random(17);
        for (TfliteModel m : models) {
            Interpreter simd = build(m, true);
            Interpreter scalar = build(m, false);
            Interpreter simdAll = Interpreter.keepingAllTensors(m);
            for (int i = 0; i < 3; i++) {
                byte[] in = new byte[simd.input().elementCount()];
                rnd.nextBytes(in);
                assertArrayEquals(scalar.invoke(in), simd.invoke(in), m.description() + " input " + i);
                simdAll.invoke(in);
            }
        }
    }
}
