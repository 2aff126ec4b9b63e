package io.maskgate.tinyml.kernels;

import io.maskgate.tinyml.interpreter.Interpreter;
import io.maskgate.tinyml.model.TfliteModel;
import io.maskgate.tinyml.writer.ModelBuilder;
import io.maskgate.tinyml.writer.TfliteWriter;

/** Runs single-op graphs through the writer, reader and interpreter, so every kernel test also round-trips. */
final class KernelTestSupport {
    private KernelTestSupport() {
    }

    static byte[] run(ModelBuilder b, int out, byte[] input) throws Exception {
        b.output(out);
        TfliteModel written = TfliteModel.read(TfliteWriter.write(b.build()));
        return new Interpreter(written).invoke(input);
    }

    static byte[] bytes(int... v) {
        byte[] b = new byte[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = (byte) v[i];
        }
        return b;
    }

    static int[] ints(byte[] b) {
        int[] r = new int[b.length];
        for (int i = 0; i < b.length; i++) {
            r[i] = b[i];
        }
        return r;
    }

    static long roundHalfAway(double v) {
        return v >= 0 ? (long) Math.floor(v + 0.5) : -(long) Math.floor(-v + 0.5);
    }

    static int clamp(long v, int lo, int hi) {
        return (int) Math.max(lo, Math.min(hi, v));
    }

    static byte[] random(java.util.Random rnd, int n) {
        byte[] b = new byte[n];
        rnd.nextBytes(b);
        return b;
    }

    /**
     * Independent float reference of an int8 convolution (depthwise when depthwise=true), with TFLite's SAME
     * padding rule and exact rounding of acc*M; multipliers used in tests are powers of two, where TFLM's fixed
     * point is exact.
     */
    static int[] referenceConv(byte[] in, int h, int w, int c, int inZp, byte[] wts, int kh, int kw, int oc,
                               int[] bias, double[] m, int outZp, int stride, boolean same, boolean depthwise,
                               int lo, int hi) {
        int oh = same ? (h + stride - 1) / stride : (h - kh) / stride + 1;
        int ow = same ? (w + stride - 1) / stride : (w - kw) / stride + 1;
        int padH = same ? Math.max((oh - 1) * stride + kh - h, 0) / 2 : 0;
        int padW = same ? Math.max((ow - 1) * stride + kw - w, 0) / 2 : 0;
        int[] out = new int[oh * ow * oc];
        int dm = depthwise ? oc / c : 1;
        for (int y = 0; y < oh; y++) {
            for (int x = 0; x < ow; x++) {
                for (int o = 0; o < oc; o++) {
                    long acc = bias[o];
                    for (int ky = 0; ky < kh; ky++) {
                        for (int kx = 0; kx < kw; kx++) {
                            int iy = y * stride - padH + ky;
                            int ix = x * stride - padW + kx;
                            if (iy < 0 || ix < 0 || iy >= h || ix >= w) {
                                continue;
                            }
                            if (depthwise) {
                                int ic = o / dm;
                                acc += (long) wts[(ky * kw + kx) * oc + o] * (in[(iy * w + ix) * c + ic] - inZp);
                            } else {
                                for (int ic = 0; ic < c; ic++) {
                                    acc += (long) wts[((o * kh + ky) * kw + kx) * c + ic]
                                            * (in[(iy * w + ix) * c + ic] - inZp);
                                }
                            }
                        }
                    }
                    out[(y * ow + x) * oc + o] = clamp(roundHalfAway(acc * m[o]) + outZp, lo, hi);
                }
            }
        }
        return out;
    }
}
