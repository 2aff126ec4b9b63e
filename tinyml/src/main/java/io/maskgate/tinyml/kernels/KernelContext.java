package io.maskgate.tinyml.kernels;

import io.maskgate.tinyml.interpreter.Arithmetic;
import io.maskgate.tinyml.model.ModelFormatException;
import io.maskgate.tinyml.model.OperatorSpec;
import io.maskgate.tinyml.model.TensorSpec;
import io.maskgate.tinyml.model.TensorType;
import io.maskgate.tinyml.model.TfliteModel;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * What a kernel sees at prepare time: the graph, the arena and where each activation tensor lives in it.
 * Constant tensors are read from the model's own bytes.
 */
public final class KernelContext {
    private final TfliteModel model;
    private final byte[] arena;
    private final int[] offsets;
    private final Arithmetic arithmetic;

    public KernelContext(TfliteModel model, byte[] arena, int[] offsets) {
        this(model, arena, offsets, Arithmetic.TFLM);
    }

    public KernelContext(TfliteModel model, byte[] arena, int[] offsets, Arithmetic arithmetic) {
        this.model = model;
        this.arena = arena;
        this.offsets = offsets;
        this.arithmetic = arithmetic;
    }

    /** Requantisation rules the kernels must follow (TFLM unless a TensorFlow Lite cross-check asks otherwise). */
    public Arithmetic arithmetic() {
        return arithmetic;
    }

    public TensorSpec tensor(int index) {
        return model.tensor(index);
    }

    /** Backing array of a tensor: the arena for activations, the model's data for constants. */
    public byte[] array(int index) {
        TensorSpec t = model.tensor(index);
        return t.isConstant() ? t.data() : arena;
    }

    /** Byte offset of the tensor in {@link #array(int)}. */
    public int base(int index) {
        return model.tensor(index).isConstant() ? 0 : offsets[index];
    }

    public TensorSpec input(OperatorSpec op, int i) throws ModelFormatException {
        if (i >= op.inputs().length || op.inputs()[i] < 0) {
            throw fail(op, "missing input " + i);
        }
        return model.tensor(op.inputs()[i]);
    }

    public TensorSpec optionalInput(OperatorSpec op, int i) {
        return i < op.inputs().length && op.inputs()[i] >= 0 ? model.tensor(op.inputs()[i]) : null;
    }

    public TensorSpec output(OperatorSpec op, int i) throws ModelFormatException {
        if (i >= op.outputs().length) {
            throw fail(op, "missing output " + i);
        }
        TensorSpec t = model.tensor(op.outputs()[i]);
        if (t.isConstant()) {
            throw fail(op, "output tensor " + t.name() + " is a constant");
        }
        return t;
    }

    public static ModelFormatException fail(OperatorSpec op, String message) {
        return new ModelFormatException("operator #" + op.index() + " " + op.op() + ": " + message);
    }

    public void requireType(OperatorSpec op, TensorSpec t, TensorType type) throws ModelFormatException {
        if (t.type() != type) {
            throw fail(op, "tensor " + t.name() + " is " + t.type() + ", expected " + type);
        }
    }

    public void requireInt8Quantized(OperatorSpec op, TensorSpec t) throws ModelFormatException {
        requireType(op, t, TensorType.INT8);
        if (!t.quantization().isQuantized()) {
            throw fail(op, "int8 tensor " + t.name() + " has no quantisation parameters");
        }
    }

    public void requireConstant(OperatorSpec op, TensorSpec t) throws ModelFormatException {
        if (!t.isConstant()) {
            throw fail(op, "tensor " + t.name() + " must be a constant");
        }
    }

    /** Values of a constant INT32 or INT64 tensor (axes, paddings, shapes). */
    public int[] constantInts(OperatorSpec op, TensorSpec t) throws ModelFormatException {
        requireConstant(op, t);
        ByteBuffer bb = ByteBuffer.wrap(t.data()).order(ByteOrder.LITTLE_ENDIAN);
        int n = (int) t.elementCount();
        int[] r = new int[n];
        if (t.type() == TensorType.INT32) {
            for (int i = 0; i < n; i++) {
                r[i] = bb.getInt(4 * i);
            }
        } else if (t.type() == TensorType.INT64) {
            for (int i = 0; i < n; i++) {
                r[i] = Math.toIntExact(bb.getLong(8 * i));
            }
        } else {
            throw fail(op, "tensor " + t.name() + " is " + t.type() + ", expected INT32");
        }
        return r;
    }

    /** Constant int8 data widened to int. */
    public int[] constantInt8(OperatorSpec op, TensorSpec t) throws ModelFormatException {
        requireConstant(op, t);
        requireType(op, t, TensorType.INT8);
        byte[] d = t.data();
        int[] r = new int[d.length];
        for (int i = 0; i < d.length; i++) {
            r[i] = d[i];
        }
        return r;
    }
}
