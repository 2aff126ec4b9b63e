package io.maskgate.tinyml.kernels;

import io.maskgate.tinyml.model.BuiltinOp;
import io.maskgate.tinyml.model.ModelFormatException;
import io.maskgate.tinyml.model.OperatorSpec;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;

/** Maps builtin ops to kernel factories, like TFLM's op resolver; the single list of what this runtime runs. */
public final class OpRegistry {
    private static final Map<BuiltinOp, KernelFactory> FACTORIES = new EnumMap<>(BuiltinOp.class);

    static {
        FACTORIES.put(BuiltinOp.CONV_2D, Conv2DKernel::prepare);
        FACTORIES.put(BuiltinOp.DEPTHWISE_CONV_2D, DepthwiseConv2DKernel::prepare);
        FACTORIES.put(BuiltinOp.FULLY_CONNECTED, FullyConnectedKernel::prepare);
        FACTORIES.put(BuiltinOp.MAX_POOL_2D, PoolKernel::prepare);
        FACTORIES.put(BuiltinOp.AVERAGE_POOL_2D, PoolKernel::prepare);
        FACTORIES.put(BuiltinOp.ADD, AddKernel::prepare);
        FACTORIES.put(BuiltinOp.MUL, MulKernel::prepare);
        FACTORIES.put(BuiltinOp.MEAN, MeanKernel::prepare);
        FACTORIES.put(BuiltinOp.PAD, PadKernel::prepare);
        FACTORIES.put(BuiltinOp.RESHAPE, CopyKernel::prepare);
        FACTORIES.put(BuiltinOp.CONCATENATION, ConcatenationKernel::prepare);
        FACTORIES.put(BuiltinOp.SOFTMAX, SoftmaxKernel::prepare);
        FACTORIES.put(BuiltinOp.LOGISTIC, LogisticKernel::prepare);
        FACTORIES.put(BuiltinOp.QUANTIZE, QuantizeKernel::prepare);
        FACTORIES.put(BuiltinOp.DEQUANTIZE, QuantizeKernel::prepare);
    }

    private OpRegistry() {
    }

    public static Set<BuiltinOp> supported() {
        return Collections.unmodifiableSet(FACTORIES.keySet());
    }

    public static Kernel prepare(OperatorSpec op, KernelContext ctx) throws ModelFormatException {
        KernelFactory f = FACTORIES.get(op.op());
        if (f == null) {
            throw KernelContext.fail(op, "no kernel registered");
        }
        try {
            return f.prepare(op, ctx);
        } catch (IllegalArgumentException | ArithmeticException | IndexOutOfBoundsException e) {
            throw KernelContext.fail(op, e.getMessage());
        }
    }
}
