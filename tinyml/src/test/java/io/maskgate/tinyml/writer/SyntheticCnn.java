package io.maskgate.tinyml.writer;

import io.maskgate.tinyml.model.Activation;
import io.maskgate.tinyml.model.Padding;
import io.maskgate.tinyml.model.TfliteModel;
import java.util.Random;

/**
 * A plain 32x32x3 int8 CNN with seeded random weights (~9.9 MMAC: conv3x3 3->16, conv3x3 16->32, maxpool,
 * conv3x3 32->64, maxpool, mean, dense 64->2, softmax). Used by the TFLite cross-check, the SIMD/scalar
 * equivalence test and the bench module (which takes it from tinyml's test-jar: it is no production code); output
 * scales follow the expected accumulator spread so activations are neither saturated nor constant.
 */
public final class SyntheticCnn {
    private SyntheticCnn() {
    }

    public static TfliteModel build(long seed) {
        Random rnd = new Random(seed);
        ModelBuilder b = new ModelBuilder("synthetic 32x32 cnn seed " + seed);
        float inScale = 1f / 255;
        int x = b.input("input", new int[] {1, 32, 32, 3}, inScale, -128);
        float[] s = {inScale};
        int c1 = conv(b, rnd, "conv1", x, 3, 16, s, 74);
        int c2 = conv(b, rnd, "conv2", c1, 16, 32, s, 45);
        int p2 = b.maxPool2d("pool2", c2, 2, 2, Padding.VALID);
        int c3 = conv(b, rnd, "conv3", p2, 32, 64, s, 45);
        int p3 = b.maxPool2d("pool3", c3, 2, 2, Padding.VALID);
        float meanScale = s[0] * 0.5f;
        int g = b.mean("gap", p3, new int[] {1, 2}, false, meanScale, -128);
        byte[] wf = weights(rnd, 2 * 64);
        float wfs = 0.0004f;
        int f = b.fullyConnected("dense", g, wf, 2, new float[] {wfs}, new int[] {rnd.nextInt(2001) - 1000,
                rnd.nextInt(2001) - 1000}, Activation.NONE, (float) (Math.sqrt(64) * 45 * 73 * meanScale * wfs / 40),
                0);
        int out = b.softmax("prob", f, 1f);
        b.output(out);
        return b.build();
    }

    private static int conv(ModelBuilder b, Random rnd, String name, int x, int in, int out, float[] scale,
                            double inputSpread) {
        byte[] w = weights(rnd, out * 9 * in);
        float[] ws = new float[out];
        int[] bias = new int[out];
        for (int c = 0; c < out; c++) {
            ws[c] = 0.002f + 0.004f * rnd.nextFloat();
            bias[c] = (int) ((rnd.nextGaussian() * 0.5) * Math.sqrt(9.0 * in) * inputSpread * 73);
        }
        double accSpread = Math.sqrt(9.0 * in) * inputSpread * 73 * scale[0] * 0.004;
        float outScale = (float) (accSpread / 40);
        int y = b.conv2d(name, x, w, new int[] {out, 3, 3, in}, ws, bias, Padding.SAME, 1, Activation.RELU,
                outScale, -128);
        scale[0] = outScale;
        return y;
    }

    private static byte[] weights(Random rnd, int n) {
        byte[] w = new byte[n];
        for (int i = 0; i < n; i++) {
            w[i] = (byte) (rnd.nextInt(255) - 127);
        }
        return w;
    }
}
