package io.maskgate.tinyml.kernels;

import static io.maskgate.tinyml.kernels.KernelTestSupport.bytes;
import static io.maskgate.tinyml.kernels.KernelTestSupport.ints;
import static io.maskgate.tinyml.kernels.KernelTestSupport.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.maskgate.tinyml.model.BuiltinOp;
import io.maskgate.tinyml.model.OpOptions;
import io.maskgate.tinyml.model.Padding;
import io.maskgate.tinyml.model.Quantization;
import io.maskgate.tinyml.model.TensorType;
import io.maskgate.tinyml.writer.ModelBuilder;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

class PoolAndShapeKernelsTest {
    private static final byte[] GRID = bytes(1, -2, 3, -4, 5, -6, 7, -8, 9); // 3x3x1

    @Test
    void maxPoolSameStride2ClipsWindowsAtTheBorder() throws Exception {
        ModelBuilder b = new ModelBuilder("t");
        int x = b.input("x", new int[] {1, 3, 3, 1}, 0.1f, -3);
        int y = b.maxPool2d("p", x, 2, 2, Padding.SAME);
        assertArrayEquals(new int[] {5, 3, 7, 9}, ints(run(b, y, GRID)));
    }

    @Test
    void averagePoolRoundsHalfAwayFromZeroOverInImageCells() throws Exception {
        ModelBuilder b = new ModelBuilder("t");
        int x = b.input("x", new int[] {1, 3, 3, 1}, 0.1f, -3);
        int y = b.averagePool2d("p", x, 2, 2, Padding.SAME);
        // (1-2-4+5)/4 = 0 ; (3-6)/2 = -1.5 -> -2 ; (7-8)/2 = -0.5 -> -1 ; 9
        assertArrayEquals(new int[] {0, -2, -1, 9}, ints(run(b, y, GRID)));
        ModelBuilder v = new ModelBuilder("t");
        int vx = v.input("x", new int[] {1, 3, 3, 1}, 0.1f, -3);
        int vy = v.averagePool2d("p", vx, 2, 1, Padding.VALID);
        // (1-2-4+5)/4=0, (-2+3+5-6)/4=0, (-4+5+7-8)/4=0, (5-6-8+9)/4=0 ; check a skewed grid instead
        assertArrayEquals(new int[] {3, 4, 6, 7}, ints(run(v, vy, bytes(1, 2, 3, 4, 5, 6, 7, 8, 9))));
    }

    @Test
    void padFillsWithTheZeroPoint() throws Exception {
        ModelBuilder b = new ModelBuilder("t");
        int x = b.input("x", new int[] {1, 1, 2, 1}, 0.5f, -7);
        ByteBuffer p = ByteBuffer.allocate(32).order(ByteOrder.LITTLE_ENDIAN);
        for (int v : new int[] {0, 0, 1, 0, 0, 1, 0, 0}) {
            p.putInt(v);
        }
        int pads = b.addTensor("pads", TensorType.INT32, new int[] {4, 2}, Quantization.NONE, p.array());
        int y = b.addTensor("y", TensorType.INT8, new int[] {1, 2, 3, 1}, Quantization.perTensor(0.5f, -7), null);
        b.addOperator(BuiltinOp.PAD, new int[] {x, pads}, new int[] {y}, OpOptions.DEFAULT);
        assertArrayEquals(new int[] {-7, -7, -7, 10, 20, -7}, ints(run(b, y, bytes(10, 20))));
    }

    @Test
    void reshapeAndConcatenationMoveBytes() throws Exception {
        ModelBuilder b = new ModelBuilder("t");
        int x = b.input("x", new int[] {1, 2, 2, 1}, 1f, 0);
        int r = b.reshape("r", x, new int[] {1, 4});
        int c = b.addTensor("c", TensorType.INT8, new int[] {1, 8}, Quantization.perTensor(1f, 0), null);
        b.addOperator(BuiltinOp.CONCATENATION, new int[] {r, r}, new int[] {c},
                OpOptions.concat(-1, io.maskgate.tinyml.model.Activation.NONE));
        assertArrayEquals(new int[] {1, 2, 3, 4, 1, 2, 3, 4}, ints(run(b, c, bytes(1, 2, 3, 4))));
    }

    @Test
    void meanWithSameQuantisationTruncatesTowardZero() throws Exception {
        ModelBuilder b = new ModelBuilder("t");
        int x = b.input("x", new int[] {1, 2, 2, 2}, 0.5f, 0);
        int y = b.mean("m", x, new int[] {1, 2}, false, 0.5f, 0);
        // channel 0: (1+2+3+-11)/4 = -5/4 -> -1 ; channel 1: (10+10+10+9)/4 = 9.75 -> 9
        assertArrayEquals(new int[] {-1, 9}, ints(run(b, y, bytes(1, 10, 2, 10, 3, 10, -11, 9))));
    }

    @Test
    void meanWithRequantisationFoldsTheCountIntoTheMultiplier() throws Exception {
        ModelBuilder b = new ModelBuilder("t");
        int x = b.input("x", new int[] {1, 2, 2, 1}, 1f, -10);
        int y = b.mean("m", x, new int[] {1, 2}, true, 0.5f, 3);
        // sum(x - zp) = (0+2+4+6) = 12 ; mean 3 real ; / 0.5 = 6 ; + 3 = 9
        assertArrayEquals(new int[] {9}, ints(run(b, y, bytes(-10, -8, -6, -4))));
    }
}
