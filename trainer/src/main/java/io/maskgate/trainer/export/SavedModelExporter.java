package io.maskgate.trainer.export;

import io.maskgate.trainer.model.GraphBuilder;
import io.maskgate.trainer.model.Network;
import io.maskgate.trainer.train.Tensors;
import io.maskgate.trainer.train.Weights;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/**
 * Writes the float model as a SavedModel: a separate inference-only graph (no dropout, no optimizer state)
 * whose variables are restored from the trained weights, with a named serving signature
 * {@value #SIGNATURE}: input {@value #INPUT} [N,32,32,3] float in [0,1], output {@value #OUTPUT} [N,1].
 * A small {@value #META} file beside {@code saved_model.pb} records the architecture for the quantiser.
 */
public final class SavedModelExporter {
    public static final String SIGNATURE = "serving_default";
    public static final String INPUT = "image";
    public static final String OUTPUT = "mask_probability";
    public static final String META = "maskgate-model.properties";

    private SavedModelExporter() {
    }

    public static void export(Network net, Weights weights, Path dir) throws IOException {
        if (Files.exists(dir.resolve("saved_model.pb"))) {
            deleteRecursively(dir);
        }
        Files.createDirectories(dir.getParent() == null ? dir.toAbsolutePath().getParent() : dir.getParent());
        try (Graph g = new Graph()) {
            Ops tf = Ops.create(g);
            Placeholder<TFloat32> image = tf.withName(INPUT).placeholder(TFloat32.class,
                    Placeholder.shape(Shape.of(-1, Network.INPUT, Network.INPUT, Network.CHANNELS)));
            Map<String, Variable<TFloat32>> vars = new java.util.LinkedHashMap<>();
            Map<String, Placeholder<TFloat32>> feeds = new java.util.LinkedHashMap<>();
            List<org.tensorflow.op.Op> assigns = new ArrayList<>();
            for (Network.Param p : net.params()) {
                Shape shape = Shape.of(java.util.Arrays.stream(p.shape()).asLongStream().toArray());
                Variable<TFloat32> v = tf.withName(p.name()).variable(shape, TFloat32.class);
                Placeholder<TFloat32> in = tf.withName(p.name() + "_in").placeholder(TFloat32.class,
                        Placeholder.shape(shape));
                vars.put(p.name(), v);
                feeds.put(p.name(), in);
                assigns.add(tf.withName(p.name() + "_assign").assign(v, in));
            }
            GraphBuilder builder = new GraphBuilder(tf, vars, null);
            Operand<TFloat32> logits = builder.logits(net, image);
            Operand<TFloat32> prob = tf.withName(OUTPUT).math.sigmoid(logits);
            try (Session s = new Session(g)) {
                var runner = s.runner();
                List<TFloat32> open = new ArrayList<>();
                try {
                    for (var e : feeds.entrySet()) {
                        TFloat32 t = Tensors.of(weights.get(e.getKey()), weights.shape(e.getKey()));
                        open.add(t);
                        runner.feed(e.getValue(), t);
                    }
                    assigns.forEach(runner::addTarget);
                    runner.run().close();
                } finally {
                    open.forEach(TFloat32::close);
                }
                Signature sig = Signature.builder().key(SIGNATURE).methodName("tensorflow/serving/predict")
                        .input(INPUT, image).output(OUTPUT, prob).build();
                SavedModelBundle.exporter(dir.toString()).withSession(s).withSignature(sig).export();
            }
            String meta = "arch=" + net.arch() + "\n"
                    + "input=" + INPUT + "\noutput=" + OUTPUT + "\nsignature=" + SIGNATURE + "\n"
                    + "probes=" + String.join(",", builder.probes()) + "\n";
            Files.writeString(dir.resolve(META), meta, StandardCharsets.UTF_8);
        }
    }

    static void deleteRecursively(Path dir) throws IOException {
        try (var s = Files.walk(dir)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
