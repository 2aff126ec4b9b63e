package io.maskgate.tinyml.kernels;

import io.maskgate.tinyml.model.ModelFormatException;
import io.maskgate.tinyml.model.OpOptions;
import io.maskgate.tinyml.model.OperatorSpec;
import io.maskgate.tinyml.model.TensorSpec;

/**
 * int8 DEPTHWISE_CONV_2D with per-channel quantisation (TFLM reference DepthwiseConvPerChannel arithmetic):
 * output channel ic*depthMultiplier+m sees only input channel ic.
 */
final class DepthwiseConv2DKernel implements Kernel {
    private final byte[] in;
    private final byte[] out;
    private final int inBase, outBase;
    private final int batches, inH, inW, inC, outH, outW, outC, kH, kW, strideH, strideW, dilH, dilW, padH, padW;
    private final int depthMultiplier, inputOffset, outputOffset, actMin, actMax;
    private final int[] weights;
    private final ChannelMultipliers q;
    private final int[] acc;
    /** SIMD multiply-add across channels (depth multiplier 1 with the Vector API), else null. */
    private final Dots simd;
    /** Input widened to int with the input offset added (SIMD path only). */
    private final int[] wide;

    private DepthwiseConv2DKernel(OperatorSpec op, KernelContext ctx) throws ModelFormatException {
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
        kH = filter.dim(1);
        kW = filter.dim(2);
        outC = filter.dim(3);
        if (filter.dim(0) != 1) {
            throw KernelContext.fail(op, "depthwise filter must have leading dimension 1");
        }
        if (inC == 0 || outC % inC != 0) {
            throw KernelContext.fail(op, "filter depth " + outC + " is not a multiple of input depth " + inC);
        }
        depthMultiplier = outC / inC;
        if (o.depthMultiplier() > 0 && o.depthMultiplier() != depthMultiplier) {
            throw KernelContext.fail(op, "depth_multiplier " + o.depthMultiplier() + " does not match filter");
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
        q = ChannelMultipliers.of(op, ctx, input, filter, bias, output, outC, 3, false);
        weights = ctx.constantInt8(op, filter);
        in = ctx.array(op.inputs()[0]);
        inBase = ctx.base(op.inputs()[0]);
        out = ctx.array(op.outputs()[0]);
        outBase = ctx.base(op.outputs()[0]);
        acc = new int[outC];
        simd = depthMultiplier == 1 ? Dots.best() : null;
        wide = simd == null ? null : new int[batches * inH * inW * inC];
    }

    static Kernel prepare(OperatorSpec op, KernelContext ctx) throws ModelFormatException {
        return new DepthwiseConv2DKernel(op, ctx);
    }

    @Override
    public void invoke() {
        if (simd != null) {
            invokeSimd();
            return;
        }
        final int[] acc = this.acc;
        final int[] w = weights;
        final int oc = outC;
        final int dm = depthMultiplier;
        for (int b = 0; b < batches; b++) {
            for (int oy = 0; oy < outH; oy++) {
                int iy0 = oy * strideH - padH;
                for (int ox = 0; ox < outW; ox++) {
                    int ix0 = ox * strideW - padW;
                    System.arraycopy(q.bias, 0, acc, 0, oc);
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
                            int wPos = (ky * kW + kx) * oc;
                            if (dm == 1) {
                                for (int c = 0; c < oc; c++) {
                                    acc[c] += w[wPos + c] * (in[inPos + c] + inputOffset);
                                }
                            } else {
                                for (int ic = 0; ic < inC; ic++) {
                                    int xv = in[inPos + ic] + inputOffset;
                                    for (int m = 0; m < dm; m++) {
                                        int c = ic * dm + m;
                                        acc[c] += w[wPos + c] * xv;
                                    }
                                }
                            }
                        }
                    }
                    int outPos = outBase + ((b * outH + oy) * outW + ox) * oc;
                    for (int c = 0; c < oc; c++) {
                        int v = q.requantize(acc[c], c) + outputOffset;
                        out[outPos + c] = (byte) Math.min(Math.max(v, actMin), actMax);
                    }
                }
            }
        }
    }

    private void invokeSimd() {
        final int[] acc = this.acc;
        final int[] x = wide;
        final int oc = outC;
        final int n = x.length;
        for (int i = 0; i < n; i++) {
            x[i] = in[inBase + i] + inputOffset;
        }
        for (int b = 0; b < batches; b++) {
            for (int oy = 0; oy < outH; oy++) {
                int iy0 = oy * strideH - padH;
                for (int ox = 0; ox < outW; ox++) {
                    int ix0 = ox * strideW - padW;
                    System.arraycopy(q.bias, 0, acc, 0, oc);
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
                            simd.multiplyAdd(acc, weights, (ky * kW + kx) * oc, x, ((b * inH + iy) * inW + ix) * inC, oc);
                        }
                    }
                    int outPos = outBase + ((b * outH + oy) * outW + ox) * oc;
                    for (int c = 0; c < oc; c++) {
                        int v = q.requantize(acc[c], c) + outputOffset;
                        out[outPos + c] = (byte) Math.min(Math.max(v, actMin), actMax);
                    }
                }
            }
        }
    }
}
