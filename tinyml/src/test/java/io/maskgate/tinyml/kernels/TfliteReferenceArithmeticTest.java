package io.maskgate.tinyml.kernels;

import static io.maskgate.tinyml.kernels.KernelTestSupport.bytes;
import static io.maskgate.tinyml.kernels.KernelTestSupport.ints;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.maskgate.tinyml.interpreter.Arithmetic;
import io.maskgate.tinyml.interpreter.Interpreter;
import io.maskgate.tinyml.model.Activation;
import io.maskgate.tinyml.model.Quantization;
import io.maskgate.tinyml.model.TensorType;
import io.maskgate.tinyml.model.TfliteModel;
import io.maskgate.tinyml.writer.ModelBuilder;
import io.maskgate.tinyml.writer.TfliteWriter;
import org.junit.jupiter.api.Test;

/**
 * The cross-check-only TFLITE_REFERENCE arithmetic against hand-computed values where its rounding differs from
 * TFLM's: ties to even in float requantisation and MEAN, round half up in XNNPACK's ADD, float softmax.
 */
class TfliteReferenceArithmeticTest {

    private static int[] run(ModelBuilder b, int out, byte[] input, Arithmetic arithmetic) throws Exception {
        b.output(out);
        TfliteModel written = TfliteModel.read(TfliteWriter.write(b.build()));
        return ints(new Interpreter(written, arithmetic).invoke(input));
    }

    private static ModelBuilder halvingFullyConnected(int[] out) {
        ModelBuilder b = new ModelBuilder("t");
        int x = b.input("x", new int[] {4, 1}, 1f, 0);
        // y = 0.5 * x: weight 1 with scale 0.5, output scale 1 -> every odd x is a rounding tie
        out[0] = b.fullyConnected("f", x, bytes(1), 1, new float[] {0.5f}, new int[] {0}, Activation.NONE, 1f, 0);
        return b;
    }

    @Test
    void floatRequantisationRoundsTiesToEvenWhereTflmRoundsHalfAwayFromZero() throws Exception {
        byte[] x = bytes(1, 3, 5, 7); // 0.5, 1.5, 2.5, 3.5
        int[] out = new int[1];
        ModelBuilder b = halvingFullyConnected(out);
        assertArrayEquals(new int[] {0, 2, 2, 4}, run(b, out[0], x, Arithmetic.TFLITE_REFERENCE));
        b = halvingFullyConnected(out);
        assertArrayEquals(new int[] {1, 2, 3, 4}, run(b, out[0], x, Arithmetic.TFLM));
    }

    @Test
    void floatRequantisationIsSingleRoundingOfAccTimesFloatScale() {
        assertEquals(2, QuantMath.requantizeFloat(5, 0.5f));
        assertEquals(-2, QuantMath.requantizeFloat(-5, 0.5f));
        assertEquals(-4, QuantMath.requantizeFloat(-7, 0.5f));
        assertEquals(Integer.MAX_VALUE, QuantMath.requantizeFloat(Integer.MAX_VALUE, 4f));
    }

    @Test
    void addFollowsXnnpackRoundHalfUp() throws Exception {
        ModelBuilder b = new ModelBuilder("t");
        int x = b.input("x", new int[] {1, 4}, 0.5f, 2);
        int c = b.addTensor("c", TensorType.INT8, new int[] {4}, Quantization.perTensor(0.5f, -1), bytes(-1, -1, 0, 0));
        int y = b.add("a", x, c, Activation.NONE, 1f, 3);
        // real = 0.5*(x-2) + 0.5*(c+1); q = floor(real + 0.5) + 3
        // x=5,c=-1 -> 1.5 -> 2 -> 5 ; x=-1,c=-1 -> -1.5 -> -1 -> 2 ; x=2,c=0 -> 0.5 -> 1 -> 4 ; x=1,c=0 -> 0 -> 3
        assertArrayEquals(new int[] {5, 2, 4, 3}, run(b, y, bytes(5, -1, 2, 1), Arithmetic.TFLITE_REFERENCE));
    }

    @Test
    void softmaxUsesFloatExponentials() throws Exception {
        ModelBuilder b = new ModelBuilder("t");
        int x = b.input("x", new int[] {1, 3}, 0.1f, 0);
        int y = b.softmax("s", x, 1f);
        // exp(0), exp(-1), exp(-2) normalised: 0.6652, 0.2447, 0.0900 -> *256 = 170.3, 62.6, 23.0 -> -128
        double e0 = 1;
        double e1 = Math.exp(-1.0);
        double e2 = Math.exp(-2.0);
        double sum = e0 + e1 + e2;
        int[] expected = {(int) Math.round(256 * e0 / sum) - 128, (int) Math.round(256 * e1 / sum) - 128,
                (int) Math.round(256 * e2 / sum) - 128};
        assertArrayEquals(expected, run(b, y, bytes(20, 10, 0), Arithmetic.TFLITE_REFERENCE));
    }

    @Test
    void meanFollowsXnnpackFloatAveragePoolRounding() throws Exception {
        ModelBuilder b = new ModelBuilder("t");
        int x = b.input("x", new int[] {1, 1, 2, 2}, 1f, 0);
        int y = b.mean("m", x, new int[] {1, 2}, false, 1f, 0);
        // channel 0: (1 + 2) / 2 = 1.5 -> 2 ; channel 1: (1 + 4) / 2 = 2.5 -> 2 (ties to even)
        assertArrayEquals(new int[] {2, 2}, run(b, y, bytes(1, 1, 2, 4), Arithmetic.TFLITE_REFERENCE));
    }

    @Test
    void logisticUsesTflitesFloatTable() throws Exception {
        ModelBuilder b = new ModelBuilder("t");
        int x = b.input("x", new int[] {1, 6}, 0.5f, 0);
        int y = b.logistic("l", x);
        // real x = 0, 1, -1, 3, 63.5, -64; sigmoid * 256 = 128, 187.15, 68.85, 243.86, 256, ~0 -> round, -128, clamp
        assertArrayEquals(new int[] {0, 59, -59, 116, 127, -128},
                run(b, y, bytes(0, 2, -2, 6, 127, -128), Arithmetic.TFLITE_REFERENCE));
    }
}
