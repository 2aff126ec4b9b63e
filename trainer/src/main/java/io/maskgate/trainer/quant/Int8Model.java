package io.maskgate.trainer.quant;

import io.maskgate.tinyml.image.ImagePreprocessor;
import io.maskgate.tinyml.interpreter.Arithmetic;
import io.maskgate.tinyml.interpreter.Interpreter;
import io.maskgate.tinyml.interpreter.TensorInfo;
import io.maskgate.tinyml.model.ModelFormatException;
import io.maskgate.tinyml.model.TfliteModel;
import io.maskgate.trainer.data.DataException;
import io.maskgate.trainer.data.SourceImage;
import java.awt.image.BufferedImage;
import java.util.List;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * An int8 .tflite run by tinyml's interpreter on the same [0,1] float pixels the float model sees, so float and
 * int8 predictions can be compared image by image. Not thread-safe (one interpreter arena).
 */
public final class Int8Model {
    private final TfliteModel model;
    private final Arithmetic arithmetic;
    private final Interpreter interpreter;
    private final TensorInfo in;
    private final TensorInfo out;
    private final byte[] input;
    private final byte[] output;
    private final ImagePreprocessor preprocessor;

    public Int8Model(TfliteModel model) {
        this(model, Arithmetic.TFLM);
    }

    /**
     * {@link Arithmetic#TFLM} is what the door camera runs; {@link Arithmetic#TFLITE_REFERENCE} only serves the
     * value-for-value comparison with TensorFlow Lite itself.
     */
    public Int8Model(TfliteModel model, Arithmetic arithmetic) {
        this.model = model;
        this.arithmetic = arithmetic;
        try {
            this.interpreter = new Interpreter(model, arithmetic);
        } catch (ModelFormatException e) {
            throw new DataException("tinyml cannot run the model: " + e.getMessage(), e);
        }
        this.in = interpreter.input();
        this.out = interpreter.output();
        this.input = new byte[in.elementCount()];
        this.output = new byte[out.elementCount()];
        this.preprocessor = new ImagePreprocessor(in);
    }

    public static Int8Model load(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new DataException("model file not found: " + file);
        }
        try {
            return new Int8Model(TfliteModel.read(file));
        } catch (IOException | ModelFormatException e) {
            throw new DataException("cannot read model " + file + ": " + e.getMessage(), e);
        }
    }

    public Arithmetic arithmetic() {
        return arithmetic;
    }

    public TfliteModel model() {
        return model;
    }

    public int arenaBytes() {
        return interpreter.arenaBytes();
    }

    /** Quantises one 32x32x3 image (offset into an NHWC batch) into the model's int8 input tensor. */
    public byte[] quantizeInput(float[] pixels, int offset) {
        byte[] q = new byte[input.length];
        for (int i = 0; i < q.length; i++) {
            q[i] = (byte) in.quantize(pixels[offset + i]);
        }
        return q;
    }

    /** Raw int8 output for one raw int8 input. */
    public byte[] invokeRaw(byte[] rawInput) {
        interpreter.invoke(rawInput, output);
        return output.clone();
    }

    /**
     * Mask probability of one image through tinyml's own {@link ImagePreprocessor} (the device's resize and
     * quantisation) and interpreter: the int8 path exactly as a door unit runs it.
     */
    public float predict(SourceImage img) {
        BufferedImage bi = new BufferedImage(img.width(), img.height(), BufferedImage.TYPE_INT_RGB);
        byte[] rgb = img.rgb();
        for (int y = 0; y < img.height(); y++) {
            for (int x = 0; x < img.width(); x++) {
                int o = (y * img.width() + x) * 3;
                bi.setRGB(x, y, ((rgb[o] & 0xFF) << 16) | ((rgb[o + 1] & 0xFF) << 8) | (rgb[o + 2] & 0xFF));
            }
        }
        interpreter.invoke(preprocessor.preprocess(bi), output);
        return out.dequantize(output[0]);
    }

    public float[] predict(List<SourceImage> images) {
        float[] p = new float[images.size()];
        for (int i = 0; i < p.length; i++) {
            p[i] = predict(images.get(i));
        }
        return p;
    }

    /** Mask probabilities for n images already resized to 32x32 floats. */
    public float[] predict(float[] pixels, int n) {
        float[] p = new float[n];
        for (int i = 0; i < n; i++) {
            System.arraycopy(quantizeInput(pixels, i * input.length), 0, input, 0, input.length);
            interpreter.invoke(input, output);
            p[i] = out.dequantize(output[0]);
        }
        return p;
    }
}
