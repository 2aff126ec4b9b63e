package io.maskgate.tinyml.cli;

import io.maskgate.tinyml.image.ImagePreprocessor;
import io.maskgate.tinyml.interpreter.Interpreter;
import io.maskgate.tinyml.interpreter.TensorInfo;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Image file to label with the device's preprocessing. Multi-output models pick the highest int8 score (first on
 * ties); a single-output model's score is the probability of labels[1] and wins above 0.5.
 */
final class Classifier {
    private final Interpreter interpreter;
    private final ImagePreprocessor preprocessor;
    private final List<String> labels;
    private final byte[] output;
    private final float threshold;

    Classifier(Interpreter interpreter, List<String> labels) {
        this(interpreter, labels, 0.5f);
    }

    /** @param threshold single-output models: mask when p >= threshold */
    Classifier(Interpreter interpreter, List<String> labels, float threshold) {
        this.interpreter = interpreter;
        this.threshold = threshold;
        this.preprocessor = new ImagePreprocessor(interpreter.input());
        this.labels = labels;
        this.output = new byte[interpreter.output().elementCount()];
    }

    List<String> labels() {
        return labels;
    }

    record Result(int[] raw, float[] scores, int index, String label) {
    }

    Result classify(Path image) throws IOException {
        interpreter.invoke(preprocessor.preprocess(image), output);
        TensorInfo o = interpreter.output();
        int[] raw = new int[output.length];
        float[] scores = new float[output.length];
        int best = 0;
        for (int i = 0; i < output.length; i++) {
            raw[i] = output[i];
            scores[i] = o.dequantize(output[i]);
            if (output[i] > output[best]) {
                best = i;
            }
        }
        if (output.length == 1) {
            // p >= threshold is mask: the model card's rule (0.5), and the door's (score >= min score)
            best = scores[0] >= threshold ? 1 : 0;
        }
        return new Result(raw, scores, best, labels.get(best));
    }
}
