package io.maskgate.tinyml.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.maskgate.tinyml.TestPaths;
import io.maskgate.tinyml.facts.ModelFacts;
import io.maskgate.tinyml.interpreter.Interpreter;
import io.maskgate.tinyml.writer.TfliteWriter;
import java.nio.file.Files;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ReaderWriterTest {

    static TfliteModel singTown() throws Exception {
        assumeTrue(Files.exists(TestPaths.singTownModel()), "SingTown model not present at " + TestPaths.singTownModel());
        return TfliteModel.read(TestPaths.singTownModel());
    }

    @Test
    void readsTheSingTownGraph() throws Exception {
        TfliteModel m = singTown();
        assertEquals(72, m.operators().size());
        TensorSpec in = m.input(0);
        assertArrayEquals(new int[] {1, 96, 96, 3}, in.shape());
        assertEquals(TensorType.INT8, in.type());
        assertEquals(-128, in.quantization().zeroPoint());
        assertEquals(1f / 255, in.quantization().scale(), 1e-9);
        assertArrayEquals(new int[] {1, 2}, m.output(0).shape());
        assertEquals(-128, m.output(0).quantization().zeroPoint());
        ModelFacts f = ModelFacts.of(m);
        assertEquals(java.util.Map.of("PAD", 5, "CONV_2D", 35, "DEPTHWISE_CONV_2D", 17, "ADD", 10, "RESHAPE", 2,
                "FULLY_CONNECTED", 2, "SOFTMAX", 1), f.opCounts());
        assertEquals(733088, f.fileBytes());
        // independently: weights and biases are exactly the quantised constants of this graph
        long quantisedConstants = m.tensors().stream()
                .filter(t -> t.isConstant() && t.quantization().isQuantized()).mapToLong(TensorSpec::elementCount).sum();
        assertEquals(quantisedConstants, f.params());
    }

    @Test
    void singTownRewrittenByTheWriterReadsBackIdenticallyAndRunsTheSame() throws Exception {
        TfliteModel m = singTown();
        byte[] written = TfliteWriter.write(m);
        TfliteModel back = TfliteModel.read(written);
        assertTrue(back.sameGraph(m), "round trip changed the graph");
        byte[] in = new byte[96 * 96 * 3];
        new Random(3).nextBytes(in);
        assertArrayEquals(new Interpreter(m).invoke(in), new Interpreter(back).invoke(in));
        // buffer 0 of the written file is empty and the file identifier is TFL3
        assertEquals("TFL3", new String(written, 4, 4, java.nio.charset.StandardCharsets.US_ASCII));
    }
}
