package io.maskgate.tinyml.interpreter;

import io.maskgate.tinyml.kernels.Kernel;
import io.maskgate.tinyml.kernels.KernelContext;
import io.maskgate.tinyml.kernels.OpRegistry;
import io.maskgate.tinyml.model.ModelFormatException;
import io.maskgate.tinyml.model.OperatorSpec;
import io.maskgate.tinyml.model.TensorSpec;
import io.maskgate.tinyml.model.TensorType;
import io.maskgate.tinyml.model.TfliteModel;
import java.util.Arrays;

/**
 * Runs one int8 TFLite graph with TFLite Micro's arithmetic (or, for cross-checks only, TensorFlow Lite's; see
 * {@link Arithmetic}). Construction plans the arena and prepares every
 * kernel (all validation happens here); {@link #invoke(byte[], byte[])} then allocates nothing. Not thread-safe:
 * use one interpreter per thread (the {@link TfliteModel} itself can be shared).
 */
public final class Interpreter {
    private final TfliteModel model;
    private final byte[] arena;
    private final int[] offsets;
    private final Kernel[] kernels;
    private final TensorSpec input;
    private final TensorSpec output;
    private final int inputOffset;
    private final int outputOffset;

    public Interpreter(TfliteModel model) throws ModelFormatException {
        this(model, false, Arithmetic.TFLM);
    }

    /**
     * An interpreter with explicit requantisation rules. {@link Arithmetic#TFLM} (the default) is the device's
     * arithmetic; {@link Arithmetic#TFLITE_REFERENCE} only serves cross-checks against TensorFlow Lite.
     */
    public Interpreter(TfliteModel model, Arithmetic arithmetic) throws ModelFormatException {
        this(model, false, arithmetic);
    }

    /**
     * An interpreter whose arena never reuses memory, so {@link #tensorBytes(int)} returns every intermediate
     * after invoke (for layer-by-layer comparison with another runtime). Same results, more memory.
     */
    public static Interpreter keepingAllTensors(TfliteModel model) throws ModelFormatException {
        return new Interpreter(model, true, Arithmetic.TFLM);
    }

    /** {@link #keepingAllTensors(TfliteModel)} with explicit requantisation rules. */
    public static Interpreter keepingAllTensors(TfliteModel model, Arithmetic arithmetic)
            throws ModelFormatException {
        return new Interpreter(model, true, arithmetic);
    }

    private Interpreter(TfliteModel model, boolean keepAll, Arithmetic arithmetic) throws ModelFormatException {
        this.model = model;
        java.util.Objects.requireNonNull(arithmetic, "arithmetic");
        if (model.inputs().length != 1 || model.outputs().length < 1) {
            throw new ModelFormatException("expected exactly one graph input and at least one output, got "
                    + model.inputs().length + " inputs and " + model.outputs().length + " outputs");
        }
        input = model.input(0);
        output = model.output(0);
        for (int o : model.outputs()) {
            requireRunnableType(model.tensor(o), "output");
        }
        requireRunnableType(input, "input");
        ArenaPlanner.Plan plan = ArenaPlanner.plan(model, keepAll);
        arena = new byte[plan.arenaBytes()];
        offsets = plan.offsets();
        KernelContext ctx = new KernelContext(model, arena, offsets, arithmetic);
        kernels = new Kernel[model.operators().size()];
        for (OperatorSpec op : model.operators()) {
            kernels[op.index()] = OpRegistry.prepare(op, ctx);
        }
        inputOffset = offsets[model.inputs()[0]];
        outputOffset = offsets[model.outputs()[0]];
        if (inputOffset < 0 || outputOffset < 0) {
            throw new ModelFormatException("graph input or output is a constant tensor");
        }
    }

    private static void requireRunnableType(TensorSpec t, String role) throws ModelFormatException {
        if (t.type() != TensorType.INT8 && t.type() != TensorType.FLOAT32) {
            throw new ModelFormatException("graph " + role + " " + t.name() + " is " + t.type()
                    + "; only INT8 (or FLOAT32 with QUANTIZE/DEQUANTIZE) graphs are supported");
        }
    }

    public TfliteModel model() {
        return model;
    }

    public TensorInfo input() {
        return TensorInfo.of(input);
    }

    public TensorInfo output() {
        return TensorInfo.of(output);
    }

    public TensorInfo output(int i) {
        return TensorInfo.of(model.output(i));
    }

    /** Bytes of the activation arena (planner peak). */
    public int arenaBytes() {
        return arena.length;
    }

    /** Runs one inference on a raw input tensor (int8 values, or little-endian float32 for float inputs). */
    public byte[] invoke(byte[] rawInput) {
        byte[] out = new byte[(int) output.byteSize()];
        invoke(rawInput, out);
        return out;
    }

    /** Allocation-free inference: copies the input in, runs every kernel, copies the first output out. */
    public void invoke(byte[] rawInput, byte[] rawOutput) {
        if (rawInput.length != input.byteSize()) {
            throw new IllegalArgumentException("input has " + rawInput.length + " bytes; model input "
                    + input.name() + " is " + input.type() + Arrays.toString(input.shape()) + " = "
                    + input.byteSize() + " bytes");
        }
        if (rawOutput.length != output.byteSize()) {
            throw new IllegalArgumentException("output buffer has " + rawOutput.length + " bytes, need "
                    + output.byteSize());
        }
        System.arraycopy(rawInput, 0, arena, inputOffset, rawInput.length);
        for (Kernel k : kernels) {
            k.invoke();
        }
        System.arraycopy(arena, outputOffset, rawOutput, 0, rawOutput.length);
    }

    /** Copy of an activation tensor after the last invoke (for debugging and layer-by-layer comparison). */
    public byte[] tensorBytes(int tensorIndex) {
        TensorSpec t = model.tensor(tensorIndex);
        if (t.isConstant()) {
            return t.data().clone();
        }
        int off = offsets[tensorIndex];
        return Arrays.copyOfRange(arena, off, off + (int) t.byteSize());
    }

    /** Copy of graph output i after the last invoke. */
    public byte[] outputBytes(int i) {
        return tensorBytes(model.outputs()[i]);
    }
}
