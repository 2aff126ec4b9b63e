package io.maskgate.tinyml.finder;

import io.maskgate.tinyml.image.ImagePreprocessor;
import io.maskgate.tinyml.interpreter.Arithmetic;
import io.maskgate.tinyml.interpreter.Interpreter;
import io.maskgate.tinyml.interpreter.TensorInfo;
import io.maskgate.tinyml.model.ModelFormatException;
import io.maskgate.tinyml.model.TensorType;
import io.maskgate.tinyml.model.TfliteModel;
import java.util.ArrayList;
import java.util.List;

/**
 * The int8 face finder run by tinyml: the frame is letterboxed into the model's square input, quantised like
 * every other input, run, and the grid decoded by {@link FinderDecoder} back into the frame's pixels.
 */
public final class NetFinder implements FaceFinder {
    private final Interpreter interpreter;
    private final ImagePreprocessor preprocessor;
    private final TensorInfo output;
    private final FinderDecoder decoder;
    private final String name;
    private final byte[] raw;

    public NetFinder(TfliteModel model, FinderDecoder decoder, String name) throws ModelFormatException {
        this(model, Arithmetic.TFLM, decoder, name);
    }

    public NetFinder(TfliteModel model, Arithmetic arithmetic, FinderDecoder decoder, String name)
            throws ModelFormatException {
        interpreter = new Interpreter(model, arithmetic);
        TensorInfo in = interpreter.input();
        int[] s = in.shape();
        if (s.length != 4 || s[1] != FinderSpec.INPUT || s[2] != FinderSpec.INPUT || s[3] != 3
                || in.type() != TensorType.INT8) {
            throw new ModelFormatException("a finder takes int8 [1," + FinderSpec.INPUT + "," + FinderSpec.INPUT
                    + ",3], this model takes " + in);
        }
        output = interpreter.output();
        int[] o = output.shape();
        if (o.length != 4 || o[1] != FinderSpec.GRID || o[2] != FinderSpec.GRID || o[3] != FinderSpec.CHANNELS
                || output.type() != TensorType.INT8) {
            throw new ModelFormatException("a finder outputs int8 [1," + FinderSpec.GRID + "," + FinderSpec.GRID
                    + "," + FinderSpec.CHANNELS + "], this model outputs " + output);
        }
        preprocessor = new ImagePreprocessor(in);
        raw = new byte[output.elementCount()];
        this.decoder = decoder;
        this.name = name;
    }

    /** The raw int8 input tensor of a frame (letterboxed); what the cross-check feeds to TFLite Micro. */
    public byte[] inputTensor(float[] rgb, int width, int height) {
        return preprocessor.quantize(Letterbox.of(width, height, FinderSpec.INPUT).render(rgb));
    }

    /** The raw int8 output grid for an input tensor. */
    public byte[] outputTensor(byte[] input) {
        byte[] out = new byte[output.elementCount()];
        interpreter.invoke(input, out);
        return out;
    }

    @Override
    public List<Detection> find(float[] rgb, int width, int height) {
        interpreter.invoke(inputTensor(rgb, width, height), raw);
        return faces(raw, width, height);
    }

    /**
     * The steps after the network: a raw int8 output grid dequantised, decoded and mapped back through the
     * letterbox into a width x height frame (what the firmware's mirror does with the grid its camera computed).
     */
    public List<Detection> faces(byte[] grid, int width, int height) {
        if (grid.length != output.elementCount()) {
            throw new IllegalArgumentException("finder output must have " + output.elementCount() + " values, got "
                    + grid.length);
        }
        double[] p = new double[grid.length];
        for (int i = 0; i < grid.length; i++) {
            p[i] = output.dequantize(grid[i]);
        }
        Letterbox lb = Letterbox.of(width, height, FinderSpec.INPUT);
        List<Detection> out = new ArrayList<>();
        for (Detection d : decoder.decode(p)) {
            out.add(new Detection(lb.toFrame(d.box()), d.score()));
        }
        return out;
    }

    @Override
    public String name() {
        return name;
    }

    public int arenaBytes() {
        return interpreter.arenaBytes();
    }
}
