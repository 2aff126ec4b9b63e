package io.maskgate.tinyml.kernels;

import io.maskgate.tinyml.model.ModelFormatException;
import io.maskgate.tinyml.model.OperatorSpec;
import io.maskgate.tinyml.model.TensorSpec;

/**
 * The tensors and output arithmetic that CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED share, checked once in one
 * place: int8 input, constant int8 filter, optional int32 bias, int8 output; the input offset, output zero point
 * and fused-activation clamp every one of them applies.
 */
record WeightedOp(TensorSpec input, TensorSpec filter, TensorSpec bias, TensorSpec output,
                  int inputOffset, int outputOffset, int actMin, int actMax) {

    static WeightedOp of(OperatorSpec op, KernelContext ctx) throws ModelFormatException {
        TensorSpec input = ctx.input(op, 0);
        TensorSpec filter = ctx.input(op, 1);
        TensorSpec bias = ctx.optionalInput(op, 2);
        TensorSpec output = ctx.output(op, 0);
        ctx.requireInt8Quantized(op, input);
        ctx.requireInt8Quantized(op, filter);
        ctx.requireInt8Quantized(op, output);
        ctx.requireConstant(op, filter);
        int[] range = QuantMath.activationRange(op.options().activation(), output.quantization());
        return new WeightedOp(input, filter, bias, output, -input.quantization().zeroPoint(),
                output.quantization().zeroPoint(), range[0], range[1]);
    }
}
