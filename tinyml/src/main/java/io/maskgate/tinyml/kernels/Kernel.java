package io.maskgate.tinyml.kernels;

/**
 * One prepared operator: all shapes checked, multipliers computed and buffers bound at prepare time, so invoke()
 * only computes (no allocation, no validation).
 */
@FunctionalInterface
public interface Kernel {
    void invoke();
}
