package io.maskgate.service.model;

import io.maskgate.verifier.model.ServingModel;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * A float SavedModel with the trainer's serving names that is a different network from the shipped one: it calls
 * a face masked when the crop is bright (sigmoid(40 * (mean pixel - 0.45)))). Uploaded as the float model of the
 * shipped int8 model, it disagrees with it on many validation images.
 */
public final class ToyFloatModel {

    private ToyFloatModel() {
    }

    public static Path write(Path dir) throws Exception {
        Files.createDirectories(dir.getParent());
        try (Graph g = new Graph()) {
            Ops tf = Ops.create(g);
            Placeholder<TFloat32> image = tf.withName("image").placeholder(TFloat32.class,
                    Placeholder.shape(Shape.of(-1, 32, 32, 3)));
            Variable<TFloat32> gain = tf.withName("gain").variable(Shape.scalar(), TFloat32.class);
            Placeholder<TFloat32> gainIn = tf.withName("gain_in").placeholder(TFloat32.class,
                    Placeholder.shape(Shape.scalar()));
            var assign = tf.withName("gain_assign").assign(gain, gainIn);
            Operand<TFloat32> mean = tf.math.mean(image, tf.constant(new int[] {1, 2, 3}));
            Operand<TFloat32> logits = tf.math.mul(tf.math.sub(mean, tf.constant(0.45f)), gain);
            Operand<TFloat32> prob = tf.withName("mask_probability").reshape(tf.math.sigmoid(logits),
                    tf.constant(new long[] {-1, 1}));
            try (Session s = new Session(g); TFloat32 forty = TFloat32.scalarOf(40f)) {
                s.runner().feed(gainIn, forty).addTarget(assign).run().close();
                Signature sig = Signature.builder().key("serving_default").methodName("tensorflow/serving/predict")
                        .input("image", image).output("mask_probability", prob).build();
                SavedModelBundle.exporter(dir.toString()).withSession(s).withSignature(sig).export();
            }
        }
        Files.writeString(dir.resolve(ServingModel.META), "arch=toy\ninput=image\noutput=mask_probability\n"
                + "signature=serving_default\n");
        return dir;
    }
}
