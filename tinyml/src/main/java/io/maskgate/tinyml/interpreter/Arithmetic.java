package io.maskgate.tinyml.interpreter;

/**
 * Which requantisation rules the int8 kernels follow. {@link #TFLM} is what the door cameras run and the default
 * everywhere; {@link #TFLITE_REFERENCE} exists only to validate this runtime against TensorFlow Lite itself
 * (desktop/WebAssembly TFLite with XNNPACK), so a graph that amplifies ±1 LSB rounding differences can still be
 * compared value for value. Never use it to predict what a device decides.
 */
public enum Arithmetic {
    /**
     * TensorFlow Lite Micro's integer rules: Q31 fixed-point multipliers with double rounding (saturating
     * rounding doubling high multiply, then rounding divide by a power of two), fixed-point softmax.
     */
    TFLM,
    /**
     * TensorFlow Lite's desktop rules: XNNPACK's float requantisation of CONV_2D, DEPTHWISE_CONV_2D and
     * FULLY_CONNECTED ({@code float(acc) * float(in*w/out)}, round to nearest even) and of MEAN (global average
     * pooling), XNNPACK's integer ADD, and TFLite's lookup-table int8 softmax and logistic. Other ops keep the
     * TFLM rules.
     */
    TFLITE_REFERENCE
}
