package io.maskgate.trainer.detect;

import io.maskgate.trainer.train.Weights;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The finder's float weights on disk: a magic, then per tensor its flat name, shape and big-endian floats.
 * Written to a temporary file and moved into place, so a reader never sees half a file while training runs.
 */
public final class WeightsFile {
    private static final int MAGIC = 0x4D474657; // "MGFW"

    private WeightsFile() {
    }

    public static void write(Weights w, Path file) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(tmp)))) {
            out.writeInt(MAGIC);
            out.writeInt(w.values().size());
            for (Map.Entry<String, float[]> e : w.values().entrySet()) {
                out.writeUTF(e.getKey());
                int[] shape = w.shape(e.getKey());
                out.writeInt(shape.length);
                for (int d : shape) {
                    out.writeInt(d);
                }
                for (float v : e.getValue()) {
                    out.writeFloat(v);
                }
            }
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    public static Weights read(Path file) throws IOException {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
            if (in.readInt() != MAGIC) {
                throw new IOException(file + " is not a MaskGate finder weights file");
            }
            int n = in.readInt();
            if (n < 0 || n > 10_000) {
                throw new IOException(file + ": bad tensor count " + n);
            }
            Map<String, float[]> values = new LinkedHashMap<>();
            Map<String, int[]> shapes = new LinkedHashMap<>();
            for (int t = 0; t < n; t++) {
                String name = in.readUTF();
                int rank = in.readInt();
                if (rank < 0 || rank > 8) {
                    throw new IOException(file + ": bad rank " + rank + " of " + name);
                }
                int[] shape = new int[rank];
                long size = 1;
                for (int i = 0; i < rank; i++) {
                    shape[i] = in.readInt();
                    size *= shape[i];
                }
                if (size < 0 || size > 50_000_000) {
                    throw new IOException(file + ": bad size of " + name);
                }
                float[] v = new float[(int) size];
                for (int i = 0; i < v.length; i++) {
                    v[i] = in.readFloat();
                }
                values.put(name, v);
                shapes.put(name, shape);
            }
            return new Weights(values, shapes);
        }
    }
}
