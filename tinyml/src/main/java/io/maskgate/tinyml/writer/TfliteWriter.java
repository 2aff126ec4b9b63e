package io.maskgate.tinyml.writer;

import com.google.flatbuffers.FlatBufferBuilder;
import io.maskgate.tinyml.model.BuiltinOp;
import io.maskgate.tinyml.model.OpOptions;
import io.maskgate.tinyml.model.OperatorSpec;
import io.maskgate.tinyml.model.Quantization;
import io.maskgate.tinyml.model.TensorSpec;
import io.maskgate.tinyml.model.TfliteModel;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Serialises a {@link TfliteModel} to a TFLite flatbuffer (schema version 3, identifier TFL3) that TFLite and
 * TFLite Micro load: buffer 0 is empty, each constant has its own 16-byte-aligned buffer, activations point at
 * buffer 0, operator codes carry both deprecated_builtin_code and builtin_code.
 */
public final class TfliteWriter {
    private TfliteWriter() {
    }

    public static void write(TfliteModel model, Path file) throws IOException {
        Files.write(file, write(model));
    }

    public static byte[] write(TfliteModel model) {
        FlatBufferBuilder fb = new FlatBufferBuilder(1 << 16);
        // operator codes, in order of first use
        Map<BuiltinOp, Integer> codeIndex = new LinkedHashMap<>();
        for (OperatorSpec op : model.operators()) {
            codeIndex.putIfAbsent(op.op(), codeIndex.size());
        }
        // buffers: 0 empty, then one per constant tensor
        List<Integer> bufferOffsets = new ArrayList<>();
        int[] tensorBuffer = new int[model.tensors().size()];
        bufferOffsets.add(emptyBuffer(fb));
        for (TensorSpec t : model.tensors()) {
            if (t.isConstant() && t.data().length > 0) {
                fb.startVector(1, t.data().length, 16);
                for (int i = t.data().length - 1; i >= 0; i--) {
                    fb.addByte(t.data()[i]);
                }
                int data = fb.endVector();
                fb.startTable(3);
                fb.addOffset(0, data, 0);
                tensorBuffer[t.index()] = bufferOffsets.size();
                bufferOffsets.add(fb.endTable());
            }
        }
        int buffersVec = tableVector(fb, bufferOffsets);
        // tensors
        List<Integer> tensorOffsets = new ArrayList<>();
        for (TensorSpec t : model.tensors()) {
            int name = fb.createString(t.name());
            int shape = intVector(fb, t.shape());
            int quant = t.quantization().isQuantized() ? quantization(fb, t.quantization()) : 0;
            fb.startTable(8);
            fb.addOffset(0, shape, 0);
            fb.addByte(1, (byte) t.type().code(), 0);
            fb.addInt(2, tensorBuffer[t.index()], 0);
            fb.addOffset(3, name, 0);
            if (quant != 0) {
                fb.addOffset(4, quant, 0);
            }
            tensorOffsets.add(fb.endTable());
        }
        int tensorsVec = tableVector(fb, tensorOffsets);
        // operators
        List<Integer> opOffsets = new ArrayList<>();
        for (OperatorSpec op : model.operators()) {
            int inputs = intVector(fb, op.inputs());
            int outputs = intVector(fb, op.outputs());
            int[] options = options(fb, op.op(), op.options());
            fb.startTable(5);
            fb.addInt(0, codeIndex.get(op.op()), 0);
            fb.addOffset(1, inputs, 0);
            fb.addOffset(2, outputs, 0);
            if (options[0] != 0) {
                fb.addByte(3, (byte) options[0], 0);
                fb.addOffset(4, options[1], 0);
            }
            opOffsets.add(fb.endTable());
        }
        int opsVec = tableVector(fb, opOffsets);
        int sgInputs = intVector(fb, model.inputs());
        int sgOutputs = intVector(fb, model.outputs());
        int sgName = fb.createString("main");
        fb.startTable(5);
        fb.addOffset(0, tensorsVec, 0);
        fb.addOffset(1, sgInputs, 0);
        fb.addOffset(2, sgOutputs, 0);
        fb.addOffset(3, opsVec, 0);
        fb.addOffset(4, sgName, 0);
        int subgraph = fb.endTable();
        int subgraphsVec = tableVector(fb, List.of(subgraph));
        List<Integer> codes = new ArrayList<>();
        for (BuiltinOp op : codeIndex.keySet()) {
            fb.startTable(4);
            fb.addByte(0, (byte) Math.min(op.code(), 127), 0);
            fb.addInt(2, opVersion(op), 1);
            fb.addInt(3, op.code(), 0);
            codes.add(fb.endTable());
        }
        int codesVec = tableVector(fb, codes);
        int description = fb.createString(model.description() == null ? "maskgate tinyml writer"
                : model.description());
        fb.startTable(5);
        fb.addInt(0, 3, 0);
        fb.addOffset(1, codesVec, 0);
        fb.addOffset(2, subgraphsVec, 0);
        fb.addOffset(3, description, 0);
        fb.addOffset(4, buffersVec, 0);
        int root = fb.endTable();
        fb.finish(root, "TFL3");
        ByteBuffer bb = fb.dataBuffer();
        byte[] out = new byte[bb.remaining()];
        bb.get(out);
        return out;
    }

    private static int emptyBuffer(FlatBufferBuilder fb) {
        fb.startTable(3);
        return fb.endTable();
    }

    private static int opVersion(BuiltinOp op) {
        switch (op) {
            case CONV_2D:
            case DEPTHWISE_CONV_2D:
                return 3;
            case FULLY_CONNECTED:
                return 4;
            case RESHAPE:
                return 1;
            default:
                return 2;
        }
    }

    private static int quantization(FlatBufferBuilder fb, Quantization q) {
        fb.startVector(4, q.scales().length, 4);
        for (int i = q.scales().length - 1; i >= 0; i--) {
            fb.addFloat(q.scales()[i]);
        }
        int scales = fb.endVector();
        fb.startVector(8, q.zeroPoints().length, 8);
        for (int i = q.zeroPoints().length - 1; i >= 0; i--) {
            fb.addLong(q.zeroPoints()[i]);
        }
        int zps = fb.endVector();
        fb.startTable(7);
        fb.addOffset(2, scales, 0);
        fb.addOffset(3, zps, 0);
        fb.addInt(6, q.quantizedDimension(), 0);
        return fb.endTable();
    }

    /** Returns {union type, table offset} for the op's builtin options (type 0 = none). */
    private static int[] options(FlatBufferBuilder fb, BuiltinOp op, OpOptions o) {
        switch (op) {
            case CONV_2D:
                fb.startTable(6);
                fb.addByte(0, (byte) o.padding().ordinal(), 0);
                fb.addInt(1, o.strideW(), 0);
                fb.addInt(2, o.strideH(), 0);
                fb.addByte(3, (byte) o.activation().ordinal(), 0);
                fb.addInt(4, o.dilationW(), 1);
                fb.addInt(5, o.dilationH(), 1);
                return new int[] {1, fb.endTable()};
            case DEPTHWISE_CONV_2D:
                fb.startTable(7);
                fb.addByte(0, (byte) o.padding().ordinal(), 0);
                fb.addInt(1, o.strideW(), 0);
                fb.addInt(2, o.strideH(), 0);
                fb.addInt(3, o.depthMultiplier(), 0);
                fb.addByte(4, (byte) o.activation().ordinal(), 0);
                fb.addInt(5, o.dilationW(), 1);
                fb.addInt(6, o.dilationH(), 1);
                return new int[] {2, fb.endTable()};
            case MAX_POOL_2D:
            case AVERAGE_POOL_2D:
                fb.startTable(6);
                fb.addByte(0, (byte) o.padding().ordinal(), 0);
                fb.addInt(1, o.strideW(), 0);
                fb.addInt(2, o.strideH(), 0);
                fb.addInt(3, o.filterW(), 0);
                fb.addInt(4, o.filterH(), 0);
                fb.addByte(5, (byte) o.activation().ordinal(), 0);
                return new int[] {5, fb.endTable()};
            case FULLY_CONNECTED:
                fb.startTable(3);
                fb.addByte(0, (byte) o.activation().ordinal(), 0);
                fb.addBoolean(2, o.keepDims(), false);
                return new int[] {8, fb.endTable()};
            case SOFTMAX:
                fb.startTable(1);
                fb.addFloat(0, o.beta(), 0.0);
                return new int[] {9, fb.endTable()};
            case CONCATENATION:
                fb.startTable(2);
                fb.addInt(0, o.axis(), 0);
                fb.addByte(1, (byte) o.activation().ordinal(), 0);
                return new int[] {10, fb.endTable()};
            case ADD:
                fb.startTable(2);
                fb.addByte(0, (byte) o.activation().ordinal(), 0);
                return new int[] {11, fb.endTable()};
            case MUL:
                fb.startTable(1);
                fb.addByte(0, (byte) o.activation().ordinal(), 0);
                return new int[] {21, fb.endTable()};
            case RESHAPE: {
                int shape = o.newShape() == null ? 0 : intVector(fb, o.newShape());
                fb.startTable(1);
                if (shape != 0) {
                    fb.addOffset(0, shape, 0);
                }
                return new int[] {17, fb.endTable()};
            }
            case PAD:
                fb.startTable(0);
                return new int[] {22, fb.endTable()};
            case MEAN:
                fb.startTable(1);
                fb.addBoolean(0, o.keepDims(), false);
                return new int[] {27, fb.endTable()};
            default:
                return new int[] {0, 0};
        }
    }

    private static int intVector(FlatBufferBuilder fb, int[] values) {
        fb.startVector(4, values.length, 4);
        for (int i = values.length - 1; i >= 0; i--) {
            fb.addInt(values[i]);
        }
        return fb.endVector();
    }

    private static int tableVector(FlatBufferBuilder fb, List<Integer> offsets) {
        fb.startVector(4, offsets.size(), 4);
        for (int i = offsets.size() - 1; i >= 0; i--) {
            fb.addOffset(offsets.get(i));
        }
        return fb.endVector();
    }
}
