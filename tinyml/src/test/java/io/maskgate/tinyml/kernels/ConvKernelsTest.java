package io.maskgate.tinyml.kernels;

import static io.maskgate.tinyml.kernels.KernelTestSupport.bytes;
import static io.maskgate.tinyml.kernels.KernelTestSupport.ints;
import static io.maskgate.tinyml.kernels.KernelTestSupport.random;
import static io.maskgate.tinyml.kernels.KernelTestSupport.referenceConv;
import static io.maskgate.tinyml.kernels.KernelTestSupport.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.maskgate.tinyml.model.Activation;
import io.maskgate.tinyml.model.Padding;
import io.maskgate.tinyml.writer.ModelBuilder;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ConvKernelsTest {

    @Test
    void conv2dHandComputedSamePadding() throws Exception {
        // 3x3x1 input 1..9 (zp 0), 2x2 kernel of ones, M = 1: each output sums the in-image window.
        ModelBuilder b = new ModelBuilder("t");
        int x = b.input("x", new int[] {1, 3, 3, 1}, 1f, 0);
        int y = b.conv2d("c", x, bytes(1, 1, 1, 1), new int[] {1, 2, 2, 1}, new float[] {1f}, new int[] {0},
                Padding.SAME, 1, Activation.NONE, 1f, 0);
        byte[] out = run(b, y, bytes(1, 2, 3, 4, 5, 6, 7, 8, 9));
        // SAME with even kernel pads bottom/right only
        assertArrayEquals(new int[] {12, 16, 9, 24, 28, 15, 15, 17, 9}, ints(out));
    }

    @Test
    void conv2dHandComputedSaturatesAndAppliesNegativeZeroPoints() throws Exception {
        ModelBuilder b = new ModelBuilder("t");
        int x = b.input("x", new int[] {1, 1, 2, 1}, 1f, -5);
        // per-channel: channel 0 weight 100 scale 1 (M=1), channel 1 weight -100 scale 0.5 (M=0.5)
        int y = b.conv2d("c", x, bytes(100, -100), new int[] {2, 1, 1, 1}, new float[] {1f, 0.5f},
                new int[] {3, 0}, Padding.VALID, 1, Activation.NONE, 1f, -7);
        byte[] out = run(b, y, bytes(-5, -4));
        // pixel 0: x-zp = 0 -> ch0 3-7=-4, ch1 0-7=-7 ; pixel 1: x-zp = 1 -> ch0 103-7=96, ch1 -50-7=-57
        assertArrayEquals(new int[] {-4, -7, 96, -57}, ints(out));
        ModelBuilder s = new ModelBuilder("t");
        int sx = s.input("x", new int[] {1, 1, 1, 1}, 1f, 0);
        int sy = s.conv2d("c", sx, bytes(127, -127), new int[] {2, 1, 1, 1}, new float[] {1f}, new int[] {0, 0},
                Padding.VALID, 1, Activation.NONE, 1f, 0);
        assertArrayEquals(new int[] {127, -128}, ints(run(s, sy, bytes(127))));
    }

    @Test
    void conv2dPerChannelStridesAndPaddingMatchReference() throws Exception {
        Random rnd = new Random(11);
        for (boolean same : new boolean[] {true, false}) {
            for (int stride : new int[] {1, 2}) {
                int h = 7, w = 6, c = 3, oc = 4, k = 3;
                byte[] in = random(rnd, h * w * c);
                byte[] wts = random(rnd, oc * k * k * c);
                int[] bias = {100, -200, 0, 5000};
                float[] scales = {0.5f, 1f, 0.25f, 0.125f};
                ModelBuilder b = new ModelBuilder("t");
                int x = b.input("x", new int[] {1, h, w, c}, 0.5f, -3);
                int y = b.conv2d("c", x, wts, new int[] {oc, k, k, c}, scales, bias,
                        same ? Padding.SAME : Padding.VALID, stride, Activation.RELU, 64f, 9);
                byte[] out = run(b, y, in);
                double[] m = new double[oc];
                for (int i = 0; i < oc; i++) {
                    m[i] = 0.5 * scales[i] / 64.0;
                }
                int[] want = referenceConv(in, h, w, c, -3, wts, k, k, oc, bias, m, 9, stride, same, false, 9, 127);
                assertCloseToReference(want, ints(out), "same=" + same + " stride=" + stride);
            }
        }
    }

    @Test
    void depthwiseWithMultiplierStrideAndPaddingMatchReference() throws Exception {
        Random rnd = new Random(12);
        for (boolean same : new boolean[] {true, false}) {
            int h = 6, w = 5, c = 2, dm = 2, oc = c * dm, k = 3, stride = 2;
            byte[] in = random(rnd, h * w * c);
            byte[] wts = random(rnd, k * k * oc);
            int[] bias = {7, -7, 300, -300};
            float[] scales = {1f, 0.5f, 0.25f, 2f};
            ModelBuilder b = new ModelBuilder("t");
            int x = b.input("x", new int[] {1, h, w, c}, 1f, 4);
            int y = b.depthwiseConv2d("d", x, wts, new int[] {1, k, k, oc}, scales, bias,
                    same ? Padding.SAME : Padding.VALID, stride, dm, Activation.RELU6, 8f, -128);
            byte[] out = run(b, y, in);
            double[] m = new double[oc];
            for (int i = 0; i < oc; i++) {
                m[i] = scales[i] / 8.0;
            }
            int hi = (int) Math.min(127, -128 + Math.round(6 / 8f));
            int[] want = referenceConv(in, h, w, c, 4, wts, k, k, oc, bias, m, -128, stride, same, true, -128, hi);
            assertCloseToReference(want, ints(out), "same=" + same);
        }
    }

    @Test
    void fullyConnectedBatchesSaturatesAndUsesOffsets() throws Exception {
        ModelBuilder b = new ModelBuilder("t");
        int x = b.input("x", new int[] {2, 3}, 1f, 2);
        int y = b.fullyConnected("fc", x, bytes(1, 2, 3, -100, -100, -100), 2, new float[] {0.5f},
                new int[] {1, 0}, Activation.NONE, 1f, -1);
        byte[] out = run(b, y, bytes(3, 4, 5, 2, 2, 127));
        // row0: x-zp = 1,2,3: u0 = (1+4+9+1)*0.5 = 7.5 -> 8 -1 = 7; u1 = -600*0.5 = -300 -> -128
        // row1: x-zp = 0,0,125: u0 = (375+1)*0.5 = 188 -1 -> 127 ; u1 = -12500*0.5 -> -128
        assertArrayEquals(new int[] {7, -128, 127, -128}, ints(out));
    }

    /**
     * TFLM's double rounding may differ from one exact rounding by 1 near ties; any indexing, padding or stride
     * error would show as large differences.
     */
    static void assertCloseToReference(int[] want, int[] got, String what) {
        assertEquals(want.length, got.length, what);
        int exact = 0;
        for (int i = 0; i < want.length; i++) {
            assertTrue(Math.abs(want[i] - got[i]) <= 1, what + " element " + i + ": want " + want[i] + " got " + got[i]);
            exact += want[i] == got[i] ? 1 : 0;
        }
        assertTrue(exact >= want.length * 0.9, what + ": only " + exact + " of " + want.length + " exact");
    }
}
