package io.maskgate.tinyml.kernels;

import io.maskgate.tinyml.model.BuiltinOp;
import io.maskgate.tinyml.model.ModelFormatException;
import io.maskgate.tinyml.model.OpOptions;
import io.maskgate.tinyml.model.OperatorSpec;
import io.maskgate.tinyml.model.TensorSpec;

/**
 * int8 MAX_POOL_2D and AVERAGE_POOL_2D (TFLM reference): windows clipped to the image; the average divides the
 * sum by the number of in-image cells rounding half away from zero. Input and output share quantisation.
 */
final class PoolKernel implements Kernel {
    private final boolean max;
    private final byte[] in, out;
    private final int inBase, outBase, batches, inH, inW, ch, outH, outW, fH, fW, strideH, strideW, padH, padW;
    private final int actMin, actMax;

    private PoolKernel(OperatorSpec op, KernelContext ctx) throws ModelFormatException {
        max = op.op() == BuiltinOp.MAX_POOL_2D;
        TensorSpec input = ctx.input(op, 0);
        TensorSpec output = ctx.output(op, 0);
        ctx.requireInt8Quantized(op, input);
        ctx.requireInt8Quantized(op, output);
        if (!input.quantization().equals(output.quantization())) {
            throw KernelContext.fail(op, "input and output quantisation must match for int8 pooling");
        }
        Shapes.requireRank(op, input, 4);
        OpOptions o = op.options();
        Shapes.requirePositive(op, o.strideW(), o.strideH(), o.filterW(), o.filterH());
        batches = input.dim(0);
        inH = input.dim(1);
        inW = input.dim(2);
        ch = input.dim(3);
        fH = o.filterH();
        fW = o.filterW();
        strideH = o.strideH();
        strideW = o.strideW();
        outH = Shapes.outputSize(o.padding(), inH, fH, strideH, 1);
        outW = Shapes.outputSize(o.padding(), inW, fW, strideW, 1);
        Shapes.requireShape(op, output, batches, outH, outW, ch);
        padH = Shapes.padding(strideH, 1, inH, fH, outH);
        padW = Shapes.padding(strideW, 1, inW, fW, outW);
        int[] range = QuantMath.activationRange(o.activation(), output.quantization());
        actMin = range[0];
        actMax = range[1];
        in = ctx.array(op.inputs()[0]);
        inBase = ctx.base(op.inputs()[0]);
        out = ctx.array(op.outputs()[0]);
        outBase = ctx.base(op.outputs()[0]);
    }

    static Kernel prepare(OperatorSpec op, KernelContext ctx) throws ModelFormatException {
        return new PoolKernel(op, ctx);
    }

    @Override
    public void invoke() {
        for (int b = 0; b < batches; b++) {
            for (int oy = 0; oy < outH; oy++) {
                int y0 = oy * strideH - padH;
                int fyStart = Math.max(0, -y0);
                int fyEnd = Math.min(fH, inH - y0);
                for (int ox = 0; ox < outW; ox++) {
                    int x0 = ox * strideW - padW;
                    int fxStart = Math.max(0, -x0);
                    int fxEnd = Math.min(fW, inW - x0);
                    int outPos = outBase + ((b * outH + oy) * outW + ox) * ch;
                    for (int c = 0; c < ch; c++) {
                        int v;
                        if (max) {
                            int m = -128;
                            for (int fy = fyStart; fy < fyEnd; fy++) {
                                int row = inBase + ((b * inH + y0 + fy) * inW + x0) * ch + c;
                                for (int fx = fxStart; fx < fxEnd; fx++) {
                                    m = Math.max(m, in[row + fx * ch]);
                                }
                            }
                            v = m;
                        } else {
                            int sum = 0;
                            int count = 0;
                            for (int fy = fyStart; fy < fyEnd; fy++) {
                                int row = inBase + ((b * inH + y0 + fy) * inW + x0) * ch + c;
                                for (int fx = fxStart; fx < fxEnd; fx++) {
                                    sum += in[row + fx * ch];
                                    count++;
                                }
                            }
                            if (count == 0) {
                                v = 0;
                            } else {
                                v = sum > 0 ? (sum + count / 2) / count : (sum - count / 2) / count;
                            }
                        }
                        out[outPos + c] = (byte) Math.min(Math.max(v, actMin), actMax);
                    }
                }
            }
        }
    }
}
