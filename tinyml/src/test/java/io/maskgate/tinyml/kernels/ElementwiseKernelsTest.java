package io.maskgate.tinyml.kernels;

import static io.maskgate.tinyml.kernels.KernelTestSupport.bytes;
import static io.maskgate.tinyml.kernels.KernelTestSupport.ints;
import static io.maskgate.tinyml.kernels.KernelTestSupport.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.maskgate.tinyml.interpreter.Interpreter;
import io.maskgate.tinyml.model.Activation;
import io.maskgate.tinyml.model.BuiltinOp;
import io.maskgate.tinyml.model.OpOptions;
import io.maskgate.tinyml.model.Quantization;
import io.maskgate.tinyml.model.TensorType;
import io.maskgate.tinyml.writer.ModelBuilder;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

class ElementwiseKernelsTest {

    @Test
    void addRescalesBothInputsWithOffsetsAndSaturates() throws Exception {
        ModelBuilder b = new ModelBuilder("t");
        int x = b.input("x", new int[] {1, 4}, 0.5f, -2);
        int c = b.addTensor("c", TensorType.INT8, new int[] {4}, Quantization.perTensor(0.5f, 3), bytes(3, 5, 127, -128));
        int y = b.add("a", x, c, Activation.NONE, 0.25f, 1);
        // real = 0.5*(x+2) + 0.5*(c-3) ; q = real/0.25 + 1
        // x=-2,c=3 -> 0 -> 1 ; x=0,c=5 -> 2 -> 9 ; x=10,c=127 -> 68 -> 273 -> 127 ; x=-128,c=-128 -> -128
        assertArrayEquals(new int[] {1, 9, 127, -128}, ints(run(b, y, bytes(-2, 0, 10, -128))));
    }

    @Test
    void addBroadcastsAndAppliesRelu() throws Exception {
        ModelBuilder b = new ModelBuilder("t");
        int x = b.input("x", new int[] {1, 2, 2}, 1f, 0);
        int c = b.addTensor("c", TensorType.INT8, new int[] {2}, Quantization.perTensor(1f, 0), bytes(10, -10));
        int y = b.add("a", x, c, Activation.RELU, 1f, -5);
        // x + c per last dim, relu clamps below zp -5
        assertArrayEquals(new int[] {6, -5, 8, 1}, ints(run(b, y, bytes(1, 2, 3, 16))));
    }

    @Test
    void mulMultipliesOffsetValues() throws Exception {
        ModelBuilder b = new ModelBuilder("t");
        int x = b.input("x", new int[] {3}, 0.5f, 1);
        int c = b.addTensor("c", TensorType.INT8, new int[] {3}, Quantization.perTensor(2f, -1), bytes(1, 3, 100));
        int y = b.addTensor("y", TensorType.INT8, new int[] {3}, Quantization.perTensor(1f, 0), null);
        b.addOperator(BuiltinOp.MUL, new int[] {x, c}, new int[] {y}, OpOptions.activation(Activation.NONE));
        // (x-1)*(c+1) * 0.5*2/1
        assertArrayEquals(new int[] {-4, 8, 127}, ints(run(b, y, bytes(-1, 3, 3))));
    }

    @Test
    void logisticIsWithinOneLsbOfTheRealSigmoidAndSaturates() throws Exception {
        ModelBuilder b = new ModelBuilder("t");
        int x = b.input("x", new int[] {256}, 0.1f, 5);
        int y = b.logistic("s", x);
        byte[] in = new byte[256];
        for (int i = 0; i < 256; i++) {
            in[i] = (byte) (i - 128);
        }
        int[] out = ints(run(b, y, in));
        for (int i = 0; i < 256; i++) {
            double real = 0.1 * ((i - 128) - 5);
            long want = Math.min(127, Math.round(256 / (1 + Math.exp(-real))) - 128);
            assertTrue(Math.abs(out[i] - want) <= 1, "x=" + (i - 128) + " want " + want + " got " + out[i]);
        }
        assertEquals(-128, out[0]);
        assertEquals(127, out[255]);
        assertEquals(0, out[128 + 5]); // sigmoid(0) = 0.5 -> 128 - 128
    }

    @Test
    void softmaxIsWithinOneLsbOfRealSoftmax() throws Exception {
        ModelBuilder b = new ModelBuilder("t");
        int x = b.input("x", new int[] {3, 4}, 0.125f, -3);
        int y = b.softmax("s", x, 1f);
        byte[] in = bytes(-3, -3, -3, -3, 10, 0, -20, 40, 127, -128, 126, 0);
        int[] out = ints(run(b, y, in));
        for (int r = 0; r < 3; r++) {
            double[] e = new double[4];
            double sum = 0;
            for (int c = 0; c < 4; c++) {
                e[c] = Math.exp(0.125 * (in[r * 4 + c] + 3));
                sum += e[c];
            }
            for (int c = 0; c < 4; c++) {
                long want = Math.min(127, Math.round(256 * e[c] / sum) - 128);
                assertTrue(Math.abs(out[r * 4 + c] - want) <= 1, "row " + r + " col " + c + " want " + want
                        + " got " + out[r * 4 + c]);
            }
        }
        assertArrayEquals(new int[] {-64, -64, -64, -64}, java.util.Arrays.copyOf(out, 4));
    }

    @Test
    void quantizeRequantizesAndDequantizeRestoresReals() throws Exception {
        ModelBuilder b = new ModelBuilder("t");
        int x = b.input("x", new int[] {4}, 0.5f, 10);
        int q = b.addTensor("q", TensorType.INT8, new int[] {4}, Quantization.perTensor(1f, -3), null);
        b.addOperator(BuiltinOp.QUANTIZE, new int[] {x}, new int[] {q}, OpOptions.DEFAULT);
        // (x-10)*0.5 - 3: 1.5 -> 2 ; -2.5 -> -2 (gemmlowp's high multiply rounds negative ties toward zero) ;
        // 58.5 -> 59 ; 117 * 0.5 ... and -138 * 0.5 - 3 = -72
        assertArrayEquals(new int[] {-1, -5, 56, -72}, ints(run(b, q, bytes(13, 5, 127, -128))));

        ModelBuilder d = new ModelBuilder("t");
        int dx = d.input("x", new int[] {2}, 0.25f, -1);
        int f = d.addTensor("f", TensorType.FLOAT32, new int[] {2}, Quantization.NONE, null);
        d.addOperator(BuiltinOp.DEQUANTIZE, new int[] {dx}, new int[] {f}, OpOptions.DEFAULT);
        d.output(f);
        byte[] out = new Interpreter(d.build()).invoke(bytes(-1, 7));
        VarHandle fl = MethodHandles.byteArrayViewVarHandle(float[].class, ByteOrder.LITTLE_ENDIAN);
        assertEquals(0f, (float) fl.get(out, 0));
        assertEquals(2f, (float) fl.get(out, 4));
    }
}
