package io.maskgate.tinyml.model;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads the subset of the TFLite flatbuffer schema this runtime executes (Model, OperatorCode, SubGraph, Tensor,
 * QuantizationParameters, Operator, Buffer and the builtin options of our ops). Field ids follow the published
 * schema. Any structural damage becomes a {@link ModelFormatException} naming what was being read.
 */
final class TfliteReader {
    /** Largest tensor we accept (elements * bytes); a cap applied before anything is allocated. */
    static final long MAX_TENSOR_BYTES = 64L << 20;

    // Model fields
    private static final int MODEL_VERSION = 0, MODEL_OPCODES = 1, MODEL_SUBGRAPHS = 2, MODEL_DESCRIPTION = 3,
            MODEL_BUFFERS = 4;
    // OperatorCode fields
    private static final int OPCODE_DEPRECATED = 0, OPCODE_CUSTOM = 1, OPCODE_BUILTIN = 3;
    // SubGraph fields
    private static final int SG_TENSORS = 0, SG_INPUTS = 1, SG_OUTPUTS = 2, SG_OPERATORS = 3;
    // Tensor fields
    private static final int T_SHAPE = 0, T_TYPE = 1, T_BUFFER = 2, T_NAME = 3, T_QUANT = 4, T_SPARSITY = 6;
    // QuantizationParameters fields
    private static final int Q_SCALE = 2, Q_ZERO_POINT = 3, Q_DIM = 6;
    // Operator fields
    private static final int OP_OPCODE = 0, OP_INPUTS = 1, OP_OUTPUTS = 2, OP_OPTIONS = 4;
    // Buffer fields
    private static final int B_DATA = 0, B_OFFSET = 1;

    /** Names of common builtin codes we do not run, for error messages. */
    private static final Map<Integer, String> OTHER_OP_NAMES = Map.ofEntries(Map.entry(5, "DEPTH_TO_SPACE"),
            Map.entry(8, "FLOOR"), Map.entry(11, "L2_NORMALIZATION"), Map.entry(12, "L2_POOL_2D"),
            Map.entry(16, "LSTM"), Map.entry(19, "RELU"), Map.entry(20, "RELU_N1_TO_1"), Map.entry(21, "RELU6"),
            Map.entry(23, "RESIZE_BILINEAR"), Map.entry(28, "TANH"), Map.entry(32, "CUSTOM"),
            Map.entry(36, "GATHER"), Map.entry(39, "TRANSPOSE"), Map.entry(41, "SUB"), Map.entry(42, "DIV"),
            Map.entry(43, "SQUEEZE"), Map.entry(45, "STRIDED_SLICE"), Map.entry(49, "SPLIT"),
            Map.entry(53, "CAST"), Map.entry(54, "PRELU"), Map.entry(55, "MAXIMUM"), Map.entry(57, "MINIMUM"),
            Map.entry(67, "TRANSPOSE_CONV"), Map.entry(74, "SUM"), Map.entry(82, "REDUCE_MAX"),
            Map.entry(83, "PACK"), Map.entry(97, "RESIZE_NEAREST_NEIGHBOR"), Map.entry(98, "LEAKY_RELU"),
            Map.entry(101, "ABS"), Map.entry(117, "HARD_SWISH"), Map.entry(126, "BATCH_MATMUL"));

    private TfliteReader() {
    }

    static TfliteModel read(byte[] file) throws ModelFormatException {
        if (file.length == 0) {
            throw new ModelFormatException("empty model file (0 bytes)");
        }
        if (file.length < 16) {
            throw new ModelFormatException("model file too short (" + file.length + " bytes) to be a TFLite flatbuffer");
        }
        String ident = new String(file, 4, 4, StandardCharsets.ISO_8859_1);
        if (!"TFL3".equals(ident)) {
            throw new ModelFormatException("not a TFLite model: file identifier is not TFL3 (truncated or foreign file)");
        }
        ByteBuffer bb = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        String where = "model header";
        try {
            FbTable model = FbTable.root(bb);
            int version = model.intField(MODEL_VERSION, 0);
            String description = model.string(MODEL_DESCRIPTION);
            where = "operator codes";
            int nCodes = model.vectorLength(MODEL_OPCODES, 4);
            int[] builtinCodes = new int[nCodes];
            String[] customCodes = new String[nCodes];
            for (int i = 0; i < nCodes; i++) {
                FbTable oc = model.tableAt(MODEL_OPCODES, i);
                int deprecated = oc.byteField(OPCODE_DEPRECATED, 0);
                int builtin = oc.intField(OPCODE_BUILTIN, 0);
                builtinCodes[i] = Math.max(deprecated, builtin);
                customCodes[i] = oc.string(OPCODE_CUSTOM);
            }
            where = "buffers";
            int nBuffers = model.vectorLength(MODEL_BUFFERS, 4);
            where = "subgraphs";
            int nSub = model.vectorLength(MODEL_SUBGRAPHS, 4);
            if (nSub < 1) {
                throw new ModelFormatException("model has no subgraph");
            }
            FbTable sg = model.tableAt(MODEL_SUBGRAPHS, 0);
            int nTensors = sg.vectorLength(SG_TENSORS, 4);
            List<TensorSpec> tensors = new ArrayList<>(nTensors);
            for (int i = 0; i < nTensors; i++) {
                where = "tensor #" + i;
                tensors.add(readTensor(i, sg.tableAt(SG_TENSORS, i), model, nBuffers));
            }
            where = "subgraph inputs/outputs";
            int[] inputs = sg.ints(SG_INPUTS);
            int[] outputs = sg.ints(SG_OUTPUTS);
            checkIndices("graph input", inputs, nTensors, false);
            checkIndices("graph output", outputs, nTensors, false);
            int nOps = sg.vectorLength(SG_OPERATORS, 4);
            List<OperatorSpec> ops = new ArrayList<>(nOps);
            for (int i = 0; i < nOps; i++) {
                where = "operator #" + i;
                FbTable op = sg.tableAt(SG_OPERATORS, i);
                int codeIndex = op.intField(OP_OPCODE, 0);
                if (codeIndex < 0 || codeIndex >= nCodes) {
                    throw new ModelFormatException("operator #" + i + " refers to operator code " + codeIndex
                            + " but the model has " + nCodes);
                }
                int code = builtinCodes[codeIndex];
                BuiltinOp bop = BuiltinOp.fromCode(code);
                if (customCodes[codeIndex] != null) {
                    throw new ModelFormatException("unsupported operator at #" + i + ": custom op '"
                            + customCodes[codeIndex] + "'");
                }
                if (bop == null) {
                    throw new ModelFormatException("unsupported operator at #" + i + ": builtin "
                            + OTHER_OP_NAMES.getOrDefault(code, "code " + code));
                }
                int[] in = op.ints(OP_INPUTS);
                int[] out = op.ints(OP_OUTPUTS);
                checkIndices("operator #" + i + " (" + bop + ") input", in, nTensors, true);
                checkIndices("operator #" + i + " (" + bop + ") output", out, nTensors, false);
                ops.add(new OperatorSpec(i, bop, in, out, readOptions(bop, op.table(OP_OPTIONS))));
            }
            return new TfliteModel(tensors, ops, inputs, outputs, version, description, file.length);
        } catch (ModelFormatException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new ModelFormatException("corrupt or truncated TFLite flatbuffer while reading " + where + ": "
                    + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + e.getMessage()), e);
        }
    }

    private static void checkIndices(String what, int[] idx, int nTensors, boolean optional)
            throws ModelFormatException {
        for (int t : idx) {
            if ((t < 0 && !(optional && t == -1)) || t >= nTensors) {
                throw new ModelFormatException(what + " refers to tensor " + t + " but the graph has " + nTensors);
            }
        }
    }

    private static TensorSpec readTensor(int index, FbTable t, FbTable model, int nBuffers)
            throws ModelFormatException {
        int[] shape = t.ints(T_SHAPE);
        String name = t.string(T_NAME);
        if (name == null) {
            name = "t" + index;
        }
        TensorType type = TensorType.fromCode(t.byteField(T_TYPE, 0));
        long elements = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new ModelFormatException("tensor " + name + " has a dynamic or negative dimension "
                        + java.util.Arrays.toString(shape));
            }
            elements *= d;
            if (elements * type.bytes() > MAX_TENSOR_BYTES) {
                throw new ModelFormatException("tensor " + name + " claims " + java.util.Arrays.toString(shape)
                        + " " + type + ", more than the " + (MAX_TENSOR_BYTES >> 20) + " MiB tensor cap");
            }
        }
        if (t.has(T_SPARSITY)) {
            throw new ModelFormatException("tensor " + name + " is sparse; sparse tensors are not supported");
        }
        Quantization q = Quantization.NONE;
        FbTable qt = t.table(T_QUANT);
        if (qt != null) {
            float[] scales = qt.floats(Q_SCALE);
            long[] zps = qt.longs(Q_ZERO_POINT);
            if (scales.length > 0) {
                if (zps.length != scales.length) {
                    throw new ModelFormatException("tensor " + name + " has " + scales.length + " scales but "
                            + zps.length + " zero points");
                }
                q = new Quantization(scales, zps, qt.intField(Q_DIM, 0));
            }
        }
        byte[] data = null;
        int buffer = t.intField(T_BUFFER, 0);
        if (buffer < 0 || buffer >= Math.max(nBuffers, 1)) {
            throw new ModelFormatException("tensor " + name + " refers to buffer " + buffer + " of " + nBuffers);
        }
        if (buffer > 0) {
            FbTable b = model.tableAt(MODEL_BUFFERS, buffer);
            if (b.longField(B_OFFSET, 0) > 1) {
                throw new ModelFormatException("tensor " + name + " uses an external buffer offset (>2 GB model "
                        + "format), not supported");
            }
            int len = b.vectorLength(B_DATA, 1);
            if (len > 0) {
                if (len != elements * type.bytes()) {
                    throw new ModelFormatException("tensor " + name + " has " + len + " data bytes but its shape "
                            + java.util.Arrays.toString(shape) + " " + type + " needs " + elements * type.bytes());
                }
                data = b.bytes(B_DATA);
            }
        }
        return new TensorSpec(index, name, type, shape, q, data);
    }

    private static OpOptions readOptions(BuiltinOp op, FbTable o) throws ModelFormatException {
        if (o == null) {
            return OpOptions.DEFAULT;
        }
        OpOptions d = OpOptions.DEFAULT;
        switch (op) {
            case CONV_2D:
                return new OpOptions(padding(o.byteField(0, 0)), o.intField(1, 0), o.intField(2, 0), 1, 1,
                        o.intField(4, 1), o.intField(5, 1), 1, activation(o.byteField(3, 0)), 0, false, 1f, null);
            case DEPTHWISE_CONV_2D:
                return new OpOptions(padding(o.byteField(0, 0)), o.intField(1, 0), o.intField(2, 0), 1, 1,
                        o.intField(5, 1), o.intField(6, 1), o.intField(3, 0), activation(o.byteField(4, 0)), 0,
                        false, 1f, null);
            case MAX_POOL_2D:
            case AVERAGE_POOL_2D:
                return new OpOptions(padding(o.byteField(0, 0)), o.intField(1, 0), o.intField(2, 0),
                        o.intField(3, 0), o.intField(4, 0), 1, 1, 1, activation(o.byteField(5, 0)), 0, false, 1f,
                        null);
            case FULLY_CONNECTED:
                if (o.byteField(1, 0) != 0) {
                    throw new ModelFormatException("FULLY_CONNECTED with shuffled weights format is not supported");
                }
                return new OpOptions(d.padding(), 1, 1, 1, 1, 1, 1, 1, activation(o.byteField(0, 0)), 0,
                        o.boolField(2, false), 1f, null);
            case SOFTMAX:
                return OpOptions.softmax(o.floatField(0, 0f));
            case CONCATENATION:
                return OpOptions.concat(o.intField(0, 0), activation(o.byteField(1, 0)));
            case ADD:
            case MUL:
                return OpOptions.activation(activation(o.byteField(0, 0)));
            case RESHAPE:
                return OpOptions.reshape(o.has(0) ? o.ints(0) : null);
            case MEAN:
                return OpOptions.mean(o.boolField(0, false));
            default:
                return d;
        }
    }

    private static Padding padding(int code) throws ModelFormatException {
        if (code < 0 || code > 1) {
            throw new ModelFormatException("unknown padding code " + code);
        }
        return Padding.values()[code];
    }

    private static Activation activation(int code) throws ModelFormatException {
        if (code < 0 || code >= Activation.values().length) {
            throw new ModelFormatException("unknown fused activation code " + code);
        }
        return Activation.values()[code];
    }
}
