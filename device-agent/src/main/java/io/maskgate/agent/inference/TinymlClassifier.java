package io.maskgate.agent.inference;

import io.maskgate.agent.frames.Frame;
import io.maskgate.tinyml.image.ImagePreprocessor;
import io.maskgate.tinyml.interpreter.Interpreter;
import io.maskgate.tinyml.interpreter.TensorInfo;
import io.maskgate.tinyml.model.ModelFormatException;
import io.maskgate.tinyml.model.TensorType;
import io.maskgate.tinyml.model.TfliteModel;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;

/**
 * The real classifier: the int8 TFLite model run by the pure-Java tinyml interpreter, with tinyml's
 * ImagePreprocessor (resize to the model input, pixels / 255, input quantisation) — the same preprocessing the
 * firmware's ml module applies. A single output is read as P(mask) (sigmoid); several outputs as class scores,
 * {@code maskIndex} being the mask class. Not thread-safe: one per unit.
 */
public final class TinymlClassifier implements Classifier {

    private final Interpreter interpreter;
    private final ImagePreprocessor preprocessor;
    private final TensorInfo output;
    private final int maskIndex;
    private final String modelVersion;

    public TinymlClassifier(Path modelFile, int maskIndex, String modelVersion) throws IOException {
        this(read(modelFile), maskIndex, modelVersion);
    }

    /** From the model's bytes (a model installed over the air). */
    public TinymlClassifier(byte[] model, int maskIndex, String modelVersion) throws IOException {
        this(parse(model), maskIndex, modelVersion);
    }

    private static TfliteModel read(Path modelFile) throws IOException {
        try {
            return TfliteModel.read(modelFile);
        } catch (ModelFormatException e) {
            throw new IOException("cannot run model " + modelFile + ": " + e.getMessage(), e);
        }
    }

    private static TfliteModel parse(byte[] model) throws IOException {
        try {
            return TfliteModel.read(model);
        } catch (ModelFormatException e) {
            throw new IOException("cannot run the model: " + e.getMessage(), e);
        }
    }

    private TinymlClassifier(TfliteModel model, int maskIndex, String modelVersion) throws IOException {
        try {
            interpreter = new Interpreter(model);
        } catch (ModelFormatException e) {
            throw new IOException("cannot run the model: " + e.getMessage(), e);
        }
        preprocessor = new ImagePreprocessor(interpreter.input());
        output = interpreter.output();
        int classes = output.elementCount();
        if (classes != 1 && (maskIndex < 0 || maskIndex >= classes)) {
            throw new IllegalArgumentException("mask index " + maskIndex + " is outside the model's " + classes
                    + " outputs");
        }
        this.maskIndex = maskIndex;
        this.modelVersion = modelVersion;
    }

    @Override
    public int score(Frame frame, BufferedImage faceCrop) {
        byte[] raw = interpreter.invoke(preprocessor.preprocess(faceCrop));
        int n = output.elementCount();
        double[] values = new double[n];
        if (output.type() == TensorType.FLOAT32) {
            ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < n; i++) {
                values[i] = b.getFloat(4 * i);
            }
        } else {
            for (int i = 0; i < n; i++) {
                values[i] = output.dequantize(raw[i]);
            }
        }
        if (n == 1) {
            return Scores.perMille(values[0]);
        }
        double sum = 0;
        for (double v : values) {
            sum += Math.max(0, v);
        }
        return sum <= 0 ? 0 : Scores.perMille(Math.max(0, values[maskIndex]) / sum);
    }

    /** Tensor arena the model needs (TFLite Micro planning). */
    public int arenaBytes() {
        return interpreter.arenaBytes();
    }

    @Override
    public String modelVersion() {
        return modelVersion;
    }
}
