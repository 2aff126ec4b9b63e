package io.maskgate.tinyml.crosscheck;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.maskgate.tinyml.TestPaths;
import io.maskgate.tinyml.image.ImagePreprocessor;
import io.maskgate.tinyml.interpreter.Arithmetic;
import io.maskgate.tinyml.interpreter.Interpreter;
import io.maskgate.tinyml.model.Activation;
import io.maskgate.tinyml.model.BuiltinOp;
import io.maskgate.tinyml.model.OperatorSpec;
import io.maskgate.tinyml.model.Padding;
import io.maskgate.tinyml.model.TensorSpec;
import io.maskgate.tinyml.model.TfliteModel;
import io.maskgate.tinyml.writer.GraphSlicer;
import io.maskgate.tinyml.writer.ModelBuilder;
import io.maskgate.tinyml.writer.SyntheticCnn;
import io.maskgate.tinyml.writer.TfliteWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Acceptance 1 and 2: our interpreter against TensorFlow Lite itself on identical int8 input tensors.
 * TFLite's XNNPACK path requantises with a float multiply (one rounding); ours follows TFLM's fixed-point
 * double rounding (what the camera runs), so single ops may differ by 1 LSB and deep graphs can amplify that.
 */
class CrossCheckIT {
    @TempDir
    Path tmp;

    private static int[] ints(byte[] b) {
        int[] r = new int[b.length];
        for (int i = 0; i < b.length; i++) {
            r[i] = b[i];
        }
        return r;
    }

    private static int argmax(int[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }

    private static int margin(int[] v) {
        int max = Integer.MIN_VALUE;
        int second = Integer.MIN_VALUE;
        for (int x : v) {
            if (x > max) {
                second = max;
                max = x;
            } else if (x > second) {
                second = x;
            }
        }
        return v.length < 2 ? Integer.MAX_VALUE : max - second;
    }

    private List<Path> datasetImages(int perClass) throws Exception {
        Path test = TestPaths.datasets().resolve("facemask-12k/test");
        if (!Files.isDirectory(test)) {
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail("dataset missing: " + test);
            }
            assumeTrue(false, "SKIPPED: dataset missing at " + test);
        }
        List<Path> all = new ArrayList<>();
        for (String cls : new String[] {"mask", "no_mask"}) {
            try (Stream<Path> s = Files.list(test.resolve(cls))) {
                all.addAll(s.sorted().limit(perClass).collect(Collectors.toList()));
            }
        }
        return all;
    }

    /** End-to-end comparison of one arithmetic mode with TFLite over the same input tensors. */
    private record EndToEnd(Agreement values, int decided, int agreed, int worst, int worstDiff) {
        @Override
        public String toString() {
            return values + "; labels agree on " + agreed + " of " + decided
                    + " images where TFLite's scores are > 4 LSB apart";
        }
    }

    private static EndToEnd endToEnd(Interpreter it, List<byte[]> inputs, List<int[]> refs, List<Path> images) {
        Agreement end = new Agreement();
        int decided = 0;
        int agreed = 0;
        int worst = 0;
        int worstDiff = -1;
        for (int i = 0; i < inputs.size(); i++) {
            int[] ours = ints(it.invoke(inputs.get(i)));
            int[] r = refs.get(i);
            end.add(ours, r, images.get(i).getFileName().toString());
            int d = 0;
            for (int k = 0; k < r.length; k++) {
                d = Math.max(d, Math.abs(ours[k] - r[k]));
            }
            if (d > worstDiff) {
                worstDiff = d;
                worst = i;
            }
            if (margin(r) > 4) {
                decided++;
                agreed += argmax(ours) == argmax(r) ? 1 : 0;
            }
        }
        return new EndToEnd(end, decided, agreed, worst, worstDiff);
    }

    /**
     * Acceptance 1. TFLM arithmetic (the device's) is reported end to end and checked op by op (every kernel within
     * +-1 LSB of TFLite on identical inputs); TFLite-reference arithmetic, which only swaps the requantisation
     * rounding, must agree op by op exactly and end to end within +-1 LSB on >= 99 % of values, which shows that
     * rounding explains every end-to-end difference of the TFLM mode.
     */
    @Test
    void singTownAgreesWithTfliteOpByOpAndReportsEndToEnd() throws Exception {
        Path modelPath = TestPaths.singTownModel();
        assumeTrue(Files.exists(modelPath), "SingTown model missing at " + modelPath);
        TfliteRef ref = TfliteRef.requireAvailable(modelPath);
        TfliteModel model = TfliteModel.read(modelPath);
        Interpreter it = new Interpreter(model);
        Interpreter itRef = new Interpreter(model, Arithmetic.TFLITE_REFERENCE);
        ImagePreprocessor pre = new ImagePreprocessor(it.input());
        List<Path> images = datasetImages(100);
        List<byte[]> inputs = new ArrayList<>();
        for (Path p : images) {
            inputs.add(pre.preprocess(p));
        }
        List<int[]> refs = ref.run(modelPath, inputs, tmp);
        EndToEnd tflm = endToEnd(it, inputs, refs, images);
        EndToEnd tfliteMode = endToEnd(itRef, inputs, refs, images);
        System.out.println("[cross-check] SingTown end to end over " + inputs.size() + " images, TFLM arithmetic: "
                + tflm);
        System.out.println("[cross-check] SingTown end to end over " + inputs.size()
                + " images, TFLITE_REFERENCE arithmetic: " + tfliteMode);
        int worst = tflm.worst();

        // Op by op on identical inputs: feed each op our own input values (other activation operands baked in as
        // constants) in a one-op model, so a kernel difference cannot hide behind propagation.
        Interpreter all = Interpreter.keepingAllTensors(model);
        int[] sample = {worst, 0, inputs.size() - 1};
        List<List<byte[]>> tensorsPerImage = new ArrayList<>();
        for (int i : sample) {
            all.invoke(inputs.get(i));
            List<byte[]> values = new ArrayList<>();
            for (int t = 0; t < model.tensors().size(); t++) {
                TensorSpec spec = model.tensor(t);
                boolean activation = !spec.isConstant() && (t == model.inputs()[0] || producer(model, t) >= 0);
                values.add(activation ? all.tensorBytes(t) : null);
            }
            tensorsPerImage.add(values);
        }
        Set<Integer> ops = new LinkedHashSet<>();
        Set<BuiltinOp> seen = new java.util.HashSet<>();
        for (OperatorSpec op : model.operators()) {
            if (seen.add(op.op())) {
                ops.add(op.index());
            }
        }
        ops.add(4);
        for (int k = model.operators().size() - 4; k < model.operators().size(); k++) {
            ops.add(k);
        }
        Agreement perOp = new Agreement();
        Agreement perOpRef = new Agreement();
        for (int k : ops) {
            OperatorSpec op = model.operators().get(k);
            List<byte[]> opInputs = new ArrayList<>();
            List<TfliteModel> oneOps = new ArrayList<>();
            for (List<byte[]> values : tensorsPerImage) {
                opInputs.add(values.get(op.inputs()[0]));
                oneOps.add(singleOp(model, op, values));
            }
            // constants differ per image for ops with two activation inputs: run those image by image
            for (int s = 0; s < sample.length; s++) {
                if (s > 0 && !hasSecondActivation(model, op)) {
                    break;
                }
                TfliteModel one = oneOps.get(s);
                Path f = tmp.resolve("op" + k + "_" + s + ".tflite");
                TfliteWriter.write(one, f);
                TfliteModel back = TfliteModel.read(f);
                Interpreter oi = new Interpreter(back);
                Interpreter oiRef = new Interpreter(back, Arithmetic.TFLITE_REFERENCE);
                List<byte[]> feed = hasSecondActivation(model, op) ? List.of(opInputs.get(s)) : opInputs;
                List<int[]> r = ref.run(f, feed, tmp);
                for (int j = 0; j < feed.size(); j++) {
                    perOp.add(ints(oi.invoke(feed.get(j))), r.get(j), "op #" + k + " " + op.op());
                    perOpRef.add(ints(oiRef.invoke(feed.get(j))), r.get(j), "op #" + k + " " + op.op());
                }
            }
        }
        System.out.println("[cross-check] SingTown op by op (ops " + ops + ", identical inputs), TFLM arithmetic: "
                + perOp);
        System.out.println("[cross-check] SingTown op by op, TFLITE_REFERENCE arithmetic: " + perOpRef);

        // Where does the worst image part? First op (by bisection over truncated graphs) whose output differs by
        // more than 1 LSB from TFLite's on the same image.
        all.invoke(inputs.get(worst));
        int lo = 0;
        int hi = model.operators().size() - 1;
        int firstBig = -1;
        int firstBigDiff = 0;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            TfliteModel cut = GraphSlicer.truncateAfter(model, mid);
            Path f = tmp.resolve("cut" + mid + ".tflite");
            TfliteWriter.write(cut, f);
            int[] r = ref.run(f, List.of(inputs.get(worst)), tmp).get(0);
            int[] ours = ints(all.tensorBytes(model.operators().get(mid).outputs()[0]));
            int d = 0;
            for (int j = 0; j < r.length; j++) {
                d = Math.max(d, Math.abs(ours[j] - r[j]));
            }
            if (d > 1) {
                firstBig = mid;
                firstBigDiff = d;
                hi = mid - 1;
            } else {
                lo = mid + 1;
            }
        }
        System.out.println("[cross-check] worst image (TFLM arithmetic) " + images.get(worst).getFileName()
                + " (|diff| " + tflm.worstDiff() + "): first op parting by > 1 LSB (bisection) = "
                + (firstBig < 0 ? "none" : "#" + firstBig + " " + model.operators().get(firstBig).op()
                + " with |diff| " + firstBigDiff));

        assertTrue(perOp.largest <= 1, "a kernel differs from TFLite by more than 1 LSB on identical inputs: " + perOp);
        assertTrue(perOp.withinOneShare() == 1.0, perOp.toString());
        // With TFLite's own requantisation rules every kernel reproduces TFLite exactly, and so does the graph:
        // the TFLM-mode end-to-end differences above come from requantisation rounding alone.
        assertTrue(perOpRef.largest == 0, "TFLITE_REFERENCE kernel differs from TFLite: " + perOpRef);
        assertTrue(tfliteMode.values().withinOneShare() >= 0.99, "TFLITE_REFERENCE end to end: " + tfliteMode);
        assertTrue(tfliteMode.agreed() == tfliteMode.decided(), "TFLITE_REFERENCE labels: " + tfliteMode);
    }

    private static int producer(TfliteModel m, int tensor) {
        for (OperatorSpec op : m.operators()) {
            for (int o : op.outputs()) {
                if (o == tensor) {
                    return op.index();
                }
            }
        }
        return -1;
    }

    private static boolean hasSecondActivation(TfliteModel m, OperatorSpec op) {
        for (int i = 1; i < op.inputs().length; i++) {
            if (op.inputs()[i] >= 0 && !m.tensor(op.inputs()[i]).isConstant()) {
                return true;
            }
        }
        return false;
    }

    private static TfliteModel singleOp(TfliteModel m, OperatorSpec op, List<byte[]> values) {
        List<TensorSpec> tensors = new ArrayList<>(m.tensors());
        for (int i = 1; i < op.inputs().length; i++) {
            int t = op.inputs()[i];
            if (t >= 0 && !m.tensor(t).isConstant()) {
                TensorSpec s = m.tensor(t);
                tensors.set(t, new TensorSpec(t, s.name(), s.type(), s.shape(), s.quantization(), values.get(t)));
            }
        }
        return new TfliteModel(tensors, List.of(new OperatorSpec(0, op.op(), op.inputs(), op.outputs(),
                op.options())), new int[] {op.inputs()[0]}, op.outputs(), 3, null, 0);
    }

    /** A small graph using every writer op not in SyntheticCnn. */
    static TfliteModel coverageModel(long seed) {
        Random rnd = new Random(seed);
        ModelBuilder b = new ModelBuilder("coverage");
        int x = b.input("x", new int[] {1, 12, 12, 3}, 1f / 255, -128);
        byte[] w1 = new byte[8 * 3 * 3 * 3];
        rnd.nextBytes(w1);
        int c = b.conv2d("c", x, w1, new int[] {8, 3, 3, 3}, new float[] {0.004f}, new int[8], Padding.VALID, 2,
                Activation.RELU6, 0.03f, -128);
        byte[] wd = new byte[3 * 3 * 16];
        rnd.nextBytes(wd);
        float[] ds = new float[16];
        for (int i = 0; i < 16; i++) {
            ds[i] = 0.002f + 0.002f * rnd.nextFloat();
        }
        int d = b.depthwiseConv2d("d", c, wd, new int[] {1, 3, 3, 16}, ds, new int[16], Padding.SAME, 1, 2,
                Activation.NONE, 0.05f, 3);
        int a = b.averagePool2d("a", d, 2, 2, Padding.SAME);
        int s = b.add("s", a, a, Activation.RELU, 0.08f, -20);
        int r = b.reshape("r", s, new int[] {1, 3 * 3 * 16});
        byte[] wf = new byte[144];
        rnd.nextBytes(wf);
        int f = b.fullyConnected("f", r, wf, 1, new float[] {0.003f}, new int[] {50}, Activation.NONE, 0.1f, 0);
        int l = b.logistic("l", f);
        b.output(l);
        return b.build();
    }

    @Test
    void writtenModelsReadBackIdenticallyAndMatchTflite() throws Exception {
        List<TfliteModel> models = List.of(SyntheticCnn.build(42), coverageModel(9));
        Path probe = tmp.resolve("probe.tflite");
        TfliteWriter.write(models.get(0), probe);
        TfliteRef ref = TfliteRef.requireAvailable(probe);
        Random rnd = new Random(21);
        for (TfliteModel model : models) {
            byte[] file = TfliteWriter.write(model);
            TfliteModel back = TfliteModel.read(file);
            assertTrue(back.sameGraph(model), model.description() + ": read back differs from what was written");
            Path f = tmp.resolve("written.tflite");
            Files.write(f, file);
            Interpreter it = new Interpreter(back);
            Interpreter itRef = new Interpreter(back, Arithmetic.TFLITE_REFERENCE);
            List<byte[]> inputs = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                byte[] in = new byte[it.input().elementCount()];
                rnd.nextBytes(in);
                inputs.add(in);
            }
            List<int[]> refs = ref.run(f, inputs, tmp);
            Agreement a = new Agreement();
            Agreement aRef = new Agreement();
            for (int i = 0; i < inputs.size(); i++) {
                int[] ours = ints(it.invoke(inputs.get(i)));
                a.add(ours, refs.get(i), "input " + i);
                aRef.add(ints(itRef.invoke(inputs.get(i))), refs.get(i), "input " + i);
                if (margin(refs.get(i)) > 4) {
                    assertTrue(argmax(ours) == argmax(refs.get(i)), "label differs on input " + i);
                }
            }
            System.out.println("[cross-check] written model '" + model.description() + "', TFLM arithmetic: " + a);
            System.out.println("[cross-check] written model '" + model.description()
                    + "', TFLITE_REFERENCE arithmetic: " + aRef);
            assertTrue(a.withinOneShare() >= 0.99, a.toString());
            assertTrue(aRef.largest == 0, "TFLITE_REFERENCE differs from TFLite: " + aRef);
        }
    }
}
