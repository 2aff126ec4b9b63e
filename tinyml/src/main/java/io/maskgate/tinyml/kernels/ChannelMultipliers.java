package io.maskgate.tinyml.kernels;

import io.maskgate.tinyml.interpreter.Arithmetic;
import io.maskgate.tinyml.model.ModelFormatException;
import io.maskgate.tinyml.model.OperatorSpec;
import io.maskgate.tinyml.model.TensorSpec;
import io.maskgate.tinyml.model.TensorType;

/**
 * Per-output-channel requantisation and int32 bias of a conv-like op. TFLM rules (default): Q31 multipliers
 * computed as TFLM's PopulateConvolutionQuantizationParams does, double(input scale) * double(filter scale[c]) /
 * double(output scale), applied with double rounding. TensorFlow Lite reference rules (cross-checks only): XNNPACK's
 * fp32 requantisation, float(acc) * (input scale * filter scale[c] / output scale computed in float), rounded to
 * nearest even.
 */
final class ChannelMultipliers {
    final int[] multiplier;
    final int[] shift;
    final int[] bias;
    /** Float requantisation scales, or null under TFLM rules. */
    private final float[] floatScale;

    private ChannelMultipliers(int[] multiplier, int[] shift, int[] bias, float[] floatScale) {
        this.multiplier = multiplier;
        this.shift = shift;
        this.bias = bias;
        this.floatScale = floatScale;
    }

    /** Accumulator (bias included) of channel c rescaled to the output's scale, before zero point and clamp. */
    int requantize(int acc, int c) {
        if (floatScale == null) {
            return QuantMath.multiplyByQuantizedMultiplier(acc, multiplier[c], shift[c]);
        }
        return QuantMath.requantizeFloat(acc, floatScale[c]);
    }

    static ChannelMultipliers of(OperatorSpec op, KernelContext ctx, TensorSpec in, TensorSpec filter,
                                 TensorSpec biasTensor, TensorSpec out, int channels, int channelDim,
                                 boolean floatProductWhenPerTensor) throws ModelFormatException {
        float[] scales = filter.quantization().scales();
        if (scales.length != 1 && scales.length != channels) {
            throw KernelContext.fail(op, "filter " + filter.name() + " has " + scales.length + " scales for "
                    + channels + " output channels");
        }
        if (scales.length > 1 && filter.quantization().quantizedDimension() != channelDim) {
            throw KernelContext.fail(op, "filter " + filter.name() + " is quantised along dimension "
                    + filter.quantization().quantizedDimension() + ", expected " + channelDim);
        }
        for (long zp : filter.quantization().zeroPoints()) {
            if (zp != 0) {
                throw KernelContext.fail(op, "filter " + filter.name() + " has non-zero zero point " + zp);
            }
        }
        int[] m = new int[channels];
        int[] s = new int[channels];
        float[] fs = ctx.arithmetic() == Arithmetic.TFLITE_REFERENCE ? new float[channels] : null;
        float inScale = in.quantization().scale();
        float outScale = out.quantization().scale();
        for (int c = 0; c < channels; c++) {
            double real;
            if (scales.length == 1 && floatProductWhenPerTensor) {
                real = (double) (inScale * scales[0]) / (double) outScale;
            } else {
                real = (double) inScale * (double) scales[scales.length == 1 ? 0 : c] / (double) outScale;
            }
            QuantMath.Multiplier q = QuantMath.quantizeMultiplier(real);
            m[c] = q.multiplier();
            s[c] = q.shift();
            if (fs != null) {
                fs[c] = inScale * scales[scales.length == 1 ? 0 : c] / outScale;
            }
        }
        int[] bias = new int[channels];
        if (biasTensor != null) {
            ctx.requireConstant(op, biasTensor);
            ctx.requireType(op, biasTensor, TensorType.INT32);
            if (biasTensor.elementCount() != channels) {
                throw KernelContext.fail(op, "bias " + biasTensor.name() + " has " + biasTensor.elementCount()
                        + " values for " + channels + " channels");
            }
            bias = ctx.constantInts(op, biasTensor);
        }
        return new ChannelMultipliers(m, s, bias, fs);
    }
}
