package io.maskgate.tinyml.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.flatbuffers.FlatBufferBuilder;
import io.maskgate.tinyml.TestPaths;
import io.maskgate.tinyml.interpreter.Interpreter;
import io.maskgate.tinyml.writer.ModelBuilder;
import io.maskgate.tinyml.writer.TfliteWriter;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Acceptance 4: bad models and inputs give a clear error naming the problem, never a crash, hang or OOM. */
class BadInputTest {

    private static byte[] smallModel() {
        ModelBuilder b = new ModelBuilder("small");
        int x = b.input("x", new int[] {1, 4, 4, 1}, 0.1f, 0);
        int y = b.maxPool2d("p", x, 2, 2, Padding.VALID);
        int r = b.reshape("r", y, new int[] {1, 4});
        int s = b.softmax("s", r, 1f);
        b.output(s);
        return TfliteWriter.write(b.build());
    }

    @Test
    void emptyFileIsRejected(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("empty.tflite");
        Files.write(f, new byte[0]);
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> TfliteModel.read(f));
        assertTrue(e.getMessage().contains("0 bytes"), e.getMessage());
    }

    @Test
    void randomBytesAreRejected() {
        byte[] junk = new byte[4096];
        new Random(1).nextBytes(junk);
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> TfliteModel.read(junk));
        assertTrue(e.getMessage().contains("TFL3"), e.getMessage());
    }

    @Test
    void everyTruncationIsRejectedOrReadsConsistently() {
        byte[] good = smallModel();
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            for (int len = 0; len < good.length; len++) {
                byte[] cut = java.util.Arrays.copyOf(good, len);
                try {
                    TfliteModel m = TfliteModel.read(cut);
                    new Interpreter(m);
                } catch (ModelFormatException expected) {
                    assertTrue(!expected.getMessage().isBlank());
                }
            }
        });
        ModelFormatException e = assertThrows(ModelFormatException.class,
                () -> TfliteModel.read(java.util.Arrays.copyOf(good, good.length / 2)));
        assertTrue(e.getMessage().contains("truncated") || e.getMessage().contains("past the end"), e.getMessage());
    }

    @Test
    void randomCorruptionNeverEscapesAsAnUncheckedFailure() throws Exception {
        byte[] good = Files.exists(TestPaths.singTownModel()) ? Files.readAllBytes(TestPaths.singTownModel())
                : smallModel();
        Random rnd = new Random(5);
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            for (int i = 0; i < 300; i++) {
                byte[] bad = good.clone();
                int flips = 1 + rnd.nextInt(8);
                for (int k = 0; k < flips; k++) {
                    // corrupt mostly the metadata tail and head where tables and vtables live
                    int pos = rnd.nextBoolean() ? rnd.nextInt(Math.min(2048, bad.length))
                            : bad.length - 1 - rnd.nextInt(Math.min(60000, bad.length));
                    bad[pos] = (byte) rnd.nextInt(256);
                }
                try {
                    new Interpreter(TfliteModel.read(bad));
                } catch (ModelFormatException expected) {
                    // a named, checked failure is what we want
                }
            }
        });
    }

    @Test
    void unsupportedOperatorIsNamed() {
        FlatBufferBuilder fb = new FlatBufferBuilder();
        int shape = intVec(fb, 1, 4);
        fb.startTable(8);
        fb.addOffset(0, shape, 0);
        fb.addByte(1, (byte) 9, 0);
        int t0 = fb.endTable();
        int shape1 = intVec(fb, 1, 4);
        fb.startTable(8);
        fb.addOffset(0, shape1, 0);
        fb.addByte(1, (byte) 9, 0);
        int t1 = fb.endTable();
        int tensors = tableVec(fb, t0, t1);
        int ins = intVec(fb, 0);
        int outs = intVec(fb, 1);
        fb.startTable(5);
        fb.addOffset(1, ins, 0);
        fb.addOffset(2, outs, 0);
        int op = fb.endTable();
        int ops = tableVec(fb, op);
        int gi = intVec(fb, 0);
        int go = intVec(fb, 1);
        fb.startTable(5);
        fb.addOffset(0, tensors, 0);
        fb.addOffset(1, gi, 0);
        fb.addOffset(2, go, 0);
        fb.addOffset(3, ops, 0);
        int sg = fb.endTable();
        int sgs = tableVec(fb, sg);
        fb.startTable(4);
        fb.addByte(0, (byte) 28, 0); // TANH
        fb.addInt(3, 28, 0);
        int code = fb.endTable();
        int codes = tableVec(fb, code);
        fb.startTable(3);
        int buf0 = fb.endTable();
        int bufs = tableVec(fb, buf0);
        fb.startTable(5);
        fb.addInt(0, 3, 0);
        fb.addOffset(1, codes, 0);
        fb.addOffset(2, sgs, 0);
        fb.addOffset(4, bufs, 0);
        fb.finish(fb.endTable(), "TFL3");
        ByteBuffer bb = fb.dataBuffer();
        byte[] file = new byte[bb.remaining()];
        bb.get(file);
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> TfliteModel.read(file));
        assertTrue(e.getMessage().contains("unsupported operator") && e.getMessage().contains("TANH"), e.getMessage());
    }

    @Test
    void hugeClaimedTensorIsRejectedBeforeAllocation() {
        ModelBuilder b = new ModelBuilder("huge");
        int x = b.input("x", new int[] {1, 100000, 100000, 3}, 0.1f, 0);
        int y = b.maxPool2d("p", x, 2, 2, Padding.VALID);
        b.output(y);
        byte[] file = TfliteWriter.write(b.build());
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> TfliteModel.read(file));
        assertTrue(e.getMessage().contains("tensor cap"), e.getMessage());
    }

    @Test
    void arenaCapIsCheckedBeforeAllocation() {
        ModelBuilder b = new ModelBuilder("big");
        int x = b.input("x", new int[] {1, 4000, 4000, 4}, 0.1f, 0);
        int y = b.averagePool2d("p", x, 1, 1, Padding.VALID);
        int z = b.averagePool2d("q", y, 1, 1, Padding.VALID);
        int w = b.averagePool2d("w", z, 1, 1, Padding.VALID);
        int v = b.add("a", w, x, Activation.NONE, 0.1f, 0);
        int u = b.add("b", v, y, Activation.NONE, 0.1f, 0);
        b.output(u);
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> new Interpreter(b.build()));
        assertTrue(e.getMessage().contains("arena cap"), e.getMessage());
    }

    @Test
    void wrongInputSizeAndTypeAreNamed() throws Exception {
        Interpreter it = new Interpreter(TfliteModel.read(smallModel()));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> it.invoke(new byte[5]));
        assertTrue(e.getMessage().contains("input has 5 bytes") && e.getMessage().contains("[1, 4, 4, 1]"),
                e.getMessage());
        ModelBuilder b = new ModelBuilder("uint8");
        int x = b.addTensor("x", TensorType.UINT8, new int[] {1, 4}, Quantization.perTensor(1f, 128), null);
        b.output(x);
        TfliteModel m = new TfliteModel(java.util.List.of(b.tensor(x)), java.util.List.of(), new int[] {x},
                new int[] {x}, 3, null, 0);
        ModelFormatException t = assertThrows(ModelFormatException.class, () -> new Interpreter(m));
        assertTrue(t.getMessage().contains("UINT8"), t.getMessage());
    }

    @Test
    void shapeMismatchInsideTheGraphIsNamed() {
        ModelBuilder b = new ModelBuilder("bad");
        int x = b.input("x", new int[] {1, 4, 4, 1}, 0.1f, 0);
        int y = b.addTensor("y", TensorType.INT8, new int[] {1, 3, 3, 1}, Quantization.perTensor(0.1f, 0), null);
        b.addOperator(BuiltinOp.MAX_POOL_2D, new int[] {x}, new int[] {y},
                OpOptions.pool(Padding.VALID, 2, 2, Activation.NONE));
        b.output(y);
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> new Interpreter(b.build()));
        assertTrue(e.getMessage().contains("MAX_POOL_2D") && e.getMessage().contains("expected [1, 2, 2, 1]"),
                e.getMessage());
        assertEquals(0, 0);
    }

    private static int intVec(FlatBufferBuilder fb, int... v) {
        fb.startVector(4, v.length, 4);
        for (int i = v.length - 1; i >= 0; i--) {
            fb.addInt(v[i]);
        }
        return fb.endVector();
    }

    private static int tableVec(FlatBufferBuilder fb, int... v) {
        fb.startVector(4, v.length, 4);
        for (int i = v.length - 1; i >= 0; i--) {
            fb.addOffset(v[i]);
        }
        return fb.endVector();
    }
}
