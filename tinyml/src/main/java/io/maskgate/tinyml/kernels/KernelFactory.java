package io.maskgate.tinyml.kernels;

import io.maskgate.tinyml.model.ModelFormatException;
import io.maskgate.tinyml.model.OperatorSpec;

/** Prepares a kernel for one operator, or explains why this operator cannot run. */
@FunctionalInterface
public interface KernelFactory {
    Kernel prepare(OperatorSpec op, KernelContext ctx) throws ModelFormatException;
}
