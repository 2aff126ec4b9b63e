package io.maskgate.trainer.model;

/**
 * One layer of a network description. The same description drives the TensorFlow training graph, the
 * inference-only export graph, parameter/MAC counting and int8 quantisation, so they cannot drift apart.
 * Only layers that map onto TFLite Micro ops available on OpenMV are expressible.
 */
public sealed interface Layer {

    /** 2-D convolution, SAME padding, bias, optional fused ReLU. Maps to CONV_2D. */
    record Conv(String name, int kernel, int stride, int filters, boolean relu) implements Layer {
    }

    /** Depthwise 3x3 (multiplier 1), SAME padding, bias, optional fused ReLU. Maps to DEPTHWISE_CONV_2D. */
    record Depthwise(String name, int kernel, int stride, boolean relu) implements Layer {
    }

    /** Max pooling, SAME padding. Maps to MAX_POOL_2D. */
    record MaxPool(int size, int stride) implements Layer {
    }

    /** Mean over height and width ([N,H,W,C] -> [N,C]). Maps to MEAN. */
    record GlobalMean() implements Layer {
    }

    /** Fully connected on [N,C], bias, optional fused ReLU. Maps to FULLY_CONNECTED. */
    record Dense(String name, int units, boolean relu) implements Layer {
    }

    /**
     * SqueezeNet fire module: 1x1 squeeze conv + ReLU, then 1x1 and 3x3 expand convs + ReLU, concatenated on
     * channels. Maps to three CONV_2D and one CONCATENATION.
     */
    record Fire(String name, int squeeze, int expand1, int expand3) implements Layer {
    }

    /** Inverted dropout during training only; identity at inference (nothing exported). */
    record Dropout(double rate) implements Layer {
    }
}
