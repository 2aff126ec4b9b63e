package io.maskgate.tinyml.kernels;

import io.maskgate.tinyml.model.ModelFormatException;
import io.maskgate.tinyml.model.OpOptions;
import io.maskgate.tinyml.model.OperatorSpec;
import io.maskgate.tinyml.model.TensorSpec;

/**
 * int8 CONV_2D with per-channel quantisation (TFLM reference ConvPerChannel arithmetic): acc = bias +
 * sum filter * (input - input zero point) over in-image taps, then requantise per channel, add the output zero
 * point and clamp to the fused activation. Two execution forms give the same integers: SIMD inner products on
 * the JDK Vector API when available, else two output channels packed per 64-bit multiply-add.
 */
final class Conv2DKernel implements Kernel {
    private final byte[] in;
    private final byte[] out;
    private final int inBase;
    private final int outBase;
    private final int batches, inH, inW, inC, outH, outW, outC, kH, kW, strideH, strideW, dilH, dilW, padH, padW;
    private final int inputOffset, outputOffset, actMin, actMax;
    private final int[] weights;
    private final ChannelMultipliers q;
    private final int[] patch;
    /** Two output channels per long: w[2c] + w[2c+1] * 2^32, so one 64-bit multiply-add does two MACs. */
    private final long[] packedWeights;
    private final long[] pairAcc;
    private final long[] pairAcc2;
    private final int pairs;
    private final boolean packed;
    /** SIMD inner products when the JVM has the Vector API, else null. */
    private final Dots simd;
    private final int[] sums;
    /** Input widened to int with the input offset added (SIMD path only). */
    private final int[] wide;
    private final boolean pointwise;
    /** Weights as [kH*kW*inC][outC] for the channel-vectorised SIMD form, else null. */
    private final int[] transposed;

    private Conv2DKernel(OperatorSpec op, KernelContext ctx) throws ModelFormatException {
        WeightedOp w = WeightedOp.of(op, ctx);
        TensorSpec input = w.input();
        TensorSpec filter = w.filter();
        TensorSpec bias = w.bias();
        TensorSpec output = w.output();
        Shapes.requireRank(op, input, 4);
        Shapes.requireRank(op, filter, 4);
        OpOptions o = op.options();
        Shapes.requirePositive(op, o.strideW(), o.strideH(), o.dilationW(), o.dilationH());
        batches = input.dim(0);
        inH = input.dim(1);
        inW = input.dim(2);
        inC = input.dim(3);
        outC = filter.dim(0);
        kH = filter.dim(1);
        kW = filter.dim(2);
        if (filter.dim(3) != inC) {
            throw KernelContext.fail(op, "filter depth " + filter.dim(3) + " does not match input depth " + inC
                    + " (grouped convolution is not supported)");
        }
        strideH = o.strideH();
        strideW = o.strideW();
        dilH = o.dilationH();
        dilW = o.dilationW();
        outH = Shapes.outputSize(o.padding(), inH, kH, strideH, dilH);
        outW = Shapes.outputSize(o.padding(), inW, kW, strideW, dilW);
        Shapes.requireShape(op, output, batches, outH, outW, outC);
        padH = Shapes.padding(strideH, dilH, inH, kH, outH);
        padW = Shapes.padding(strideW, dilW, inW, kW, outW);
        inputOffset = w.inputOffset();
        outputOffset = w.outputOffset();
        actMin = w.actMin();
        actMax = w.actMax();
        q = ChannelMultipliers.of(op, ctx, input, filter, bias, output, outC, 0, false);
        weights = ctx.constantInt8(op, filter);
        patch = new int[kH * kW * inC];
        pairs = (outC + 1) / 2;
        long k = (long) kH * kW * inC;
        simd = Dots.best();
        sums = new int[outC];
        wide = simd == null ? null : new int[batches * inH * inW * inC];
        if (simd != null && simd.prefersTransposed(outC)) {
            transposed = new int[weights.length];
            for (int c = 0; c < outC; c++) {
                for (int t = 0; t < (int) k; t++) {
                    transposed[t * outC + c] = weights[c * (int) k + t];
                }
            }
        } else {
            transposed = null;
        }
        pointwise = kH == 1 && kW == 1 && strideH == 1 && strideW == 1 && padH == 0 && padW == 0
                && outH == inH && outW == inW;
        packed = simd == null && k * 128 * 256 < Integer.MAX_VALUE;
        // only the scalar path reads the packed pairs: building them for the SIMD path cost as much as a frame
        packedWeights = packed ? new long[(int) k * pairs] : null;
        for (int t = 0; packed && t < k; t++) {
            for (int c2 = 0; c2 < pairs; c2++) {
                long lo = weights[(2 * c2) * (int) k + t];
                long hi = 2 * c2 + 1 < outC ? weights[(2 * c2 + 1) * (int) k + t] : 0;
                packedWeights[t * pairs + c2] = lo + (hi << 32);
            }
        }
        pairAcc = packed ? new long[pairs] : null;
        pairAcc2 = packed ? new long[pairs] : null;
        in = ctx.array(op.inputs()[0]);
        inBase = ctx.base(op.inputs()[0]);
        out = ctx.array(op.outputs()[0]);
        outBase = ctx.base(op.outputs()[0]);
    }

    static Kernel prepare(OperatorSpec op, KernelContext ctx) throws ModelFormatException {
        return new Conv2DKernel(op, ctx);
    }

    /**
     * Per output pixel: gather the receptive field once (input + offset, 0 outside the image, which is exactly a
     * skipped tap), then one dot product per output channel over kH*kW*inC; long contiguous int loops that the
     * JIT vectorises.
     */
    @Override
    public void invoke() {
        if (packed) {
            invokePacked();
        } else {
            invokeDotProducts();
        }
    }

    /**
     * Channel pairs packed in longs: acc = sum x * (w0 + w1 * 2^32) = S0 + S1 * 2^32 exactly (|S| < 2^31 is
     * checked at prepare), so S0 is the low int and S1 = (acc - S0) >> 32. Same integers as TFLM, fewer
     * multiplies.
     */
    private void invokePacked() {
        final int oc = outC;
        for (int b = 0; b < batches; b++) {
            for (int oy = 0; oy < outH; oy++) {
                int iy0 = oy * strideH - padH;
                int ox = 0;
                while (ox < outW) {
                    int ix0 = ox * strideW - padW;
                    int ix1 = ix0 + strideW;
                    boolean pair = ox + 1 < outW && ix0 >= 0 && ix1 + (kW - 1) * dilW < inW;
                    if (pair) {
                        accumulatePair(b, iy0, ix0, ix1);
                        int outPos = outBase + ((b * outH + oy) * outW + ox) * oc;
                        store(pairAcc, outPos);
                        store(pairAcc2, outPos + oc);
                        ox += 2;
                    } else {
                        accumulate(b, iy0, ix0);
                        store(pairAcc, outBase + ((b * outH + oy) * outW + ox) * oc);
                        ox += 1;
                    }
                }
            }
        }
    }

    private void accumulate(int b, int iy0, int ix0) {
        final long[] acc = pairAcc;
        final long[] w = packedWeights;
        final int np = pairs;
        java.util.Arrays.fill(acc, 0L);
        for (int ky = 0; ky < kH; ky++) {
            int iy = iy0 + ky * dilH;
            if (iy < 0 || iy >= inH) {
                continue;
            }
            for (int kx = 0; kx < kW; kx++) {
                int ix = ix0 + kx * dilW;
                if (ix < 0 || ix >= inW) {
                    continue;
                }
                int inPos = inBase + ((b * inH + iy) * inW + ix) * inC;
                int wPos = (ky * kW + kx) * inC * np;
                for (int ic = 0; ic < inC; ic++, wPos += np) {
                    long xv = in[inPos + ic] + inputOffset;
                    if (xv == 0) {
                        continue;
                    }
                    for (int c = 0; c < np; c++) {
                        acc[c] += w[wPos + c] * xv;
                    }
                }
            }
        }
    }

    /** Two horizontally adjacent output pixels whose windows are fully inside the image: weights loaded once. */
    private void accumulatePair(int b, int iy0, int ix0, int ix1) {
        final long[] a0 = pairAcc;
        final long[] a1 = pairAcc2;
        final long[] w = packedWeights;
        final int np = pairs;
        java.util.Arrays.fill(a0, 0L);
        java.util.Arrays.fill(a1, 0L);
        for (int ky = 0; ky < kH; ky++) {
            int iy = iy0 + ky * dilH;
            if (iy < 0 || iy >= inH) {
                continue;
            }
            int row = (b * inH + iy) * inW;
            for (int kx = 0; kx < kW; kx++) {
                int p0 = inBase + (row + ix0 + kx * dilW) * inC;
                int p1 = inBase + (row + ix1 + kx * dilW) * inC;
                int wPos = (ky * kW + kx) * inC * np;
                for (int ic = 0; ic < inC; ic++, wPos += np) {
                    long x0 = in[p0 + ic] + inputOffset;
                    long x1 = in[p1 + ic] + inputOffset;
                    if (x0 == 0 && x1 == 0) {
                        continue;
                    }
                    for (int c = 0; c < np; c++) {
                        long wv = w[wPos + c];
                        a0[c] += wv * x0;
                        a1[c] += wv * x1;
                    }
                }
            }
        }
    }

    /** Unpacks channel pairs, adds bias, requantises per channel, clamps and stores one output pixel. */
    private void store(long[] acc, int outPos) {
        final int oc = outC;
        for (int c2 = 0; c2 < pairs; c2++) {
            long t = acc[c2];
            int s0 = (int) t;
            int c = 2 * c2;
            int v = q.requantize(s0 + q.bias[c], c) + outputOffset;
            out[outPos + c] = (byte) Math.min(Math.max(v, actMin), actMax);
            if (c + 1 < oc) {
                int s1 = (int) ((t - s0) >> 32);
                v = q.requantize(s1 + q.bias[c + 1], c + 1)
                        + outputOffset;
                out[outPos + c + 1] = (byte) Math.min(Math.max(v, actMin), actMax);
            }
        }
    }

    /**
     * SIMD path: the input is widened once to int (plus input offset); each output pixel's receptive field is
     * then copied row by row (or, for 1x1 stride-1 convolutions, used in place) and reduced against every
     * output channel's weights.
     */
    private void invokeDotProducts() {
        final int[] p = patch;
        final int[] w = weights;
        final int[] x = wide;
        final int k = p.length;
        final int oc = outC;
        final int n = batches * inH * inW * inC;
        for (int i = 0; i < n; i++) {
            x[i] = in[inBase + i] + inputOffset;
        }
        final int rowLen = kW * inC;
        for (int b = 0; b < batches; b++) {
            for (int oy = 0; oy < outH; oy++) {
                int iy0 = oy * strideH - padH;
                for (int ox = 0; ox < outW; ox++) {
                    int ix0 = ox * strideW - padW;
                    int src;
                    int[] from;
                    if (pointwise) {
                        from = x;
                        src = ((b * inH + oy) * inW + ox) * inC;
                    } else {
                        from = p;
                        src = 0;
                        boolean colsInside = dilW == 1 && ix0 >= 0 && ix0 + kW <= inW;
                        int pi = 0;
                        for (int ky = 0; ky < kH; ky++) {
                            int iy = iy0 + ky * dilH;
                            boolean rowInside = iy >= 0 && iy < inH;
                            if (rowInside && colsInside) {
                                System.arraycopy(x, ((b * inH + iy) * inW + ix0) * inC, p, pi, rowLen);
                                pi += rowLen;
                                continue;
                            }
                            for (int kx = 0; kx < kW; kx++) {
                                int ix = ix0 + kx * dilW;
                                if (!rowInside || ix < 0 || ix >= inW) {
                                    java.util.Arrays.fill(p, pi, pi + inC, 0);
                                } else {
                                    System.arraycopy(x, ((b * inH + iy) * inW + ix) * inC, p, pi, inC);
                                }
                                pi += inC;
                            }
                        }
                    }
                    if (transposed != null) {
                        simd.dotsTransposed(from, src, transposed, k, oc, sums);
                    } else if (simd != null) {
                        simd.dots(from, src, w, k, oc, sums);
                    } else {
                        for (int c = 0; c < oc; c++) {
                            int wPos = c * k;
                            int sum = 0;
                            for (int i = 0; i < k; i++) {
                                sum += from[src + i] * w[wPos + i];
                            }
                            sums[c] = sum;
                        }
                    }
                    int outPos = outBase + ((b * outH + oy) * outW + ox) * oc;
                    for (int c = 0; c < oc; c++) {
                        int v = q.requantize(sums[c] + q.bias[c], c)
                                + outputOffset;
                        out[outPos + c] = (byte) Math.min(Math.max(v, actMin), actMax);
                    }
                }
            }
        }
    }
}
