package io.maskgate.tinyml.model;

/** Fused activation (schema enum ActivationFunctionType); int8 kernels support NONE, RELU, RELU_N1_TO_1, RELU6. */
public enum Activation {
    NONE, RELU, RELU_N1_TO_1, RELU6, TANH, SIGN_BIT
}
