package io.maskgate.service.model;

import io.maskgate.tinyml.model.BuiltinOp;
import io.maskgate.tinyml.model.OperatorSpec;
import io.maskgate.tinyml.model.Quantization;
import io.maskgate.tinyml.model.TensorSpec;
import io.maskgate.tinyml.model.TensorType;
import io.maskgate.tinyml.model.TfliteModel;
import io.maskgate.tinyml.writer.TfliteWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Bad models for the gate's tests, made from the shipped one with tinyml's reader and writer: what a broken
 * training run, a wrong export or a tampered file would produce.
 */
public final class ModelMutations {

    private ModelMutations() {
    }

    /** The repository root (tests run in a module folder). */
    public static Path repoRoot() {
        Path here = Path.of("").toAbsolutePath();
        return Files.isDirectory(here.resolve("models")) ? here : here.getParent();
    }

    public static Path shippedDir() {
        return repoRoot().resolve("models/maskgate-tiny-v1");
    }

    /** MASKGATE_DATA or ../shared/datasets beside the repository. */
    public static Path dataDir() {
        String env = System.getenv("MASKGATE_DATA");
        return env != null && !env.isBlank() ? Path.of(env) : repoRoot().resolve("../shared/datasets").normalize();
    }

    public static byte[] shipped() throws Exception {
        return Files.readAllBytes(shippedDir().resolve("model.tflite"));
    }

    /** Random bytes where the flatbuffer header should be: not a model at all. */
    public static byte[] corrupt(byte[] model) {
        byte[] out = java.util.Arrays.copyOf(model, model.length / 3);
        Random r = new Random(7);
        for (int i = 0; i < 64; i++) {
            out[i] = (byte) r.nextInt(256);
        }
        return out;
    }

    /** The same graph plus an unused 200 KB constant tensor: over the 230 KB file limit. */
    public static byte[] oversize(byte[] model) throws Exception {
        TfliteModel m = TfliteModel.read(model);
        List<TensorSpec> tensors = new ArrayList<>(m.tensors());
        byte[] ballast = new byte[200 * 1024];
        new Random(3).nextBytes(ballast);
        tensors.add(new TensorSpec(tensors.size(), "ballast", TensorType.INT8, new int[] {ballast.length},
                Quantization.perTensor(1f, 0), ballast));
        return TfliteWriter.write(new TfliteModel(tensors, m.operators(), m.inputs(), m.outputs(), m.version(),
                m.description(), 0));
    }

    /** The final LOGISTIC replaced by an op the firmware does not register (MUL). */
    public static byte[] unsupportedOp(byte[] model) throws Exception {
        TfliteModel m = TfliteModel.read(model);
        List<OperatorSpec> ops = new ArrayList<>();
        for (OperatorSpec op : m.operators()) {
            ops.add(op.op() == BuiltinOp.LOGISTIC
                    ? new OperatorSpec(op.index(), BuiltinOp.MUL, new int[] {op.inputs()[0], op.inputs()[0]},
                    op.outputs(), op.options())
                    : op);
        }
        return TfliteWriter.write(new TfliteModel(m.tensors(), ops, m.inputs(), m.outputs(), m.version(),
                m.description(), 0));
    }

    /**
     * A clearly worse model, as if trained on shuffled labels: the final dense layer's weights and bias negated, so
     * the logit's sign (mask or not) flips for nearly every face.
     */
    public static byte[] inverted(byte[] model) throws Exception {
        TfliteModel m = TfliteModel.read(model);
        OperatorSpec fc = m.operators().stream().filter(o -> o.op() == BuiltinOp.FULLY_CONNECTED)
                .reduce((a, b) -> b).orElseThrow();
        List<TensorSpec> tensors = new ArrayList<>(m.tensors());
        TensorSpec w = tensors.get(fc.inputs()[1]);
        byte[] wd = w.data().clone();
        for (int i = 0; i < wd.length; i++) {
            wd[i] = (byte) Math.max(-127, Math.min(127, -wd[i]));
        }
        tensors.set(w.index(), new TensorSpec(w.index(), w.name(), w.type(), w.shape(), w.quantization(), wd));
        if (fc.inputs().length > 2 && fc.inputs()[2] >= 0) {
            TensorSpec b = tensors.get(fc.inputs()[2]);
            java.nio.ByteBuffer bb = java.nio.ByteBuffer.wrap(b.data().clone()).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < bb.capacity() / 4; i++) {
                bb.putInt(i * 4, -bb.getInt(i * 4));
            }
            tensors.set(b.index(), new TensorSpec(b.index(), b.name(), b.type(), b.shape(), b.quantization(),
                    bb.array()));
        }
        return TfliteWriter.write(new TfliteModel(tensors, m.operators(), m.inputs(), m.outputs(), m.version(),
                m.description(), 0));
    }
}
