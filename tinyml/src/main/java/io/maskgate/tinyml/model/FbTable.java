package io.maskgate.tinyml.model;

import com.google.flatbuffers.Table;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Bounds-checked accessors over one FlatBuffers table, built on flatbuffers-java's {@link Table}. Field ids are
 * the schema's declaration order (vtable slot 4 + 2*id). Vectors are checked against the buffer before anything
 * is allocated, so a file that claims a huge vector fails instead of exhausting memory.
 */
final class FbTable extends Table {

    FbTable(ByteBuffer bb, int pos) {
        if (pos < 0 || pos > bb.limit() - 4) {
            throw new IndexOutOfBoundsException("table offset " + pos + " outside file of " + bb.limit() + " bytes");
        }
        __reset(pos, bb);
    }

    static FbTable root(ByteBuffer bb) {
        return new FbTable(bb, bb.getInt(0));
    }

    boolean has(int id) {
        return __offset(4 + 2 * id) != 0;
    }

    int intField(int id, int def) {
        int o = __offset(4 + 2 * id);
        return o == 0 ? def : bb.getInt(o + bb_pos);
    }

    long longField(int id, long def) {
        int o = __offset(4 + 2 * id);
        return o == 0 ? def : bb.getLong(o + bb_pos);
    }

    int byteField(int id, int def) {
        int o = __offset(4 + 2 * id);
        return o == 0 ? def : bb.get(o + bb_pos);
    }

    int ubyteField(int id, int def) {
        int o = __offset(4 + 2 * id);
        return o == 0 ? def : bb.get(o + bb_pos) & 0xff;
    }

    boolean boolField(int id, boolean def) {
        int o = __offset(4 + 2 * id);
        return o == 0 ? def : bb.get(o + bb_pos) != 0;
    }

    float floatField(int id, float def) {
        int o = __offset(4 + 2 * id);
        return o == 0 ? def : bb.getFloat(o + bb_pos);
    }

    FbTable table(int id) {
        int o = __offset(4 + 2 * id);
        return o == 0 ? null : new FbTable(bb, __indirect(o + bb_pos));
    }

    String string(int id) {
        int o = __offset(4 + 2 * id);
        if (o == 0) {
            return null;
        }
        int start = __indirect(o + bb_pos);
        int len = bb.getInt(start);
        checkRange(start + 4, len, 1);
        byte[] b = new byte[len];
        bb.get(start + 4, b);
        return new String(b, StandardCharsets.UTF_8);
    }

    /** Length of a vector field, 0 when absent; verified to fit in the file for elements of elemBytes. */
    int vectorLength(int id, int elemBytes) {
        int o = __offset(4 + 2 * id);
        if (o == 0) {
            return 0;
        }
        int len = __vector_len(o);
        checkRange(__vector(o), len, elemBytes);
        return len;
    }

    /** Absolute position of a vector's first element (call vectorLength first). */
    int vectorStart(int id) {
        return __vector(__offset(4 + 2 * id));
    }

    FbTable tableAt(int id, int i) {
        int start = vectorStart(id) + 4 * i;
        return new FbTable(bb, __indirect(start));
    }

    int[] ints(int id) {
        int n = vectorLength(id, 4);
        int[] r = new int[n];
        int s = n == 0 ? 0 : vectorStart(id);
        for (int i = 0; i < n; i++) {
            r[i] = bb.getInt(s + 4 * i);
        }
        return r;
    }

    long[] longs(int id) {
        int n = vectorLength(id, 8);
        long[] r = new long[n];
        int s = n == 0 ? 0 : vectorStart(id);
        for (int i = 0; i < n; i++) {
            r[i] = bb.getLong(s + 8 * i);
        }
        return r;
    }

    float[] floats(int id) {
        int n = vectorLength(id, 4);
        float[] r = new float[n];
        int s = n == 0 ? 0 : vectorStart(id);
        for (int i = 0; i < n; i++) {
            r[i] = bb.getFloat(s + 4 * i);
        }
        return r;
    }

    byte[] bytes(int id) {
        int n = vectorLength(id, 1);
        byte[] r = new byte[n];
        if (n > 0) {
            bb.get(vectorStart(id), r);
        }
        return r;
    }

    private void checkRange(int start, int count, int elemBytes) {
        long end = (long) start + (long) count * elemBytes;
        if (count < 0 || start < 0 || end > bb.limit()) {
            throw new IndexOutOfBoundsException("vector of " + count + " elements at " + start
                    + " runs past the end of the " + bb.limit() + "-byte file");
        }
    }
}
