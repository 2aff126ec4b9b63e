package io.maskgate.verifier.model;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.types.TFloat32;

/**
 * The one loader of MaskGate's float SavedModels (the trainer's {@code FloatModel} and the service's verifier
 * both load through it): checks the folder is a SavedModel written by the trainer, reads the serving names from
 * its {@value #META} and runs N images of 32x32x3 values in [0, 1] through the serving signature.
 * Thread-safe: TensorFlow sessions may run concurrently.
 */
public final class ServingModel implements FloatNetwork {

    /** The trainer's metadata file inside a SavedModel folder (architecture, serving names, probes). */
    public static final String META = "maskgate-model.properties";
    /** Input side of the float models: [N, 32, 32, 3]. */
    public static final int SIZE = 32;
    public static final int CHANNELS = 3;

    private final Path dir;
    private final SavedModelBundle bundle;
    private final Properties meta;
    private final String signature;
    private final String input;
    private final String output;

    private ServingModel(Path dir, SavedModelBundle bundle, Properties meta) {
        this.dir = dir;
        this.bundle = bundle;
        this.meta = meta;
        this.signature = meta.getProperty("signature", "serving_default");
        this.input = meta.getProperty("input", "image");
        this.output = meta.getProperty("output", "mask_probability");
    }

    /**
     * Loads a SavedModel folder with one intra-op and one inter-op thread (predictable latency, the caller
     * decides the parallelism).
     *
     * @throws ModelLoadException when the folder is missing, not a SavedModel, not the trainer's, or does not load
     */
    public static ServingModel load(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new ModelLoadException("saved model folder not found: " + dir);
        }
        if (!Files.isRegularFile(dir.resolve("saved_model.pb"))) {
            throw new ModelLoadException("not a SavedModel (no saved_model.pb): " + dir);
        }
        Path metaFile = dir.resolve(META);
        if (!Files.isRegularFile(metaFile)) {
            throw new ModelLoadException("SavedModel was not written by the MaskGate trainer (no " + META + "): " + dir);
        }
        Properties meta = new Properties();
        try (Reader r = Files.newBufferedReader(metaFile)) {
            meta.load(r);
        } catch (IOException e) {
            throw new ModelLoadException("cannot read " + metaFile + ": " + e.getMessage(), e);
        }
        ConfigProto config = ConfigProto.newBuilder().setIntraOpParallelismThreads(1)
                .setInterOpParallelismThreads(1).build();
        try {
            SavedModelBundle bundle = SavedModelBundle.loader(dir.toString()).withTags(SavedModelBundle.DEFAULT_TAG)
                    .withConfigProto(config).load();
            return new ServingModel(dir, bundle, meta);
        } catch (RuntimeException e) {
            throw new ModelLoadException("cannot load SavedModel " + dir + ": " + e.getMessage(), e);
        }
    }

    public Path dir() {
        return dir;
    }

    /** A value of the trainer's metadata file (e.g. {@code arch}, {@code probes}). */
    public String meta(String key, String fallback) {
        return meta.getProperty(key, fallback);
    }

    /** The loaded bundle, for callers that need more than predictions (the trainer reads weights and probes). */
    public SavedModelBundle bundle() {
        return bundle;
    }

    /** Mask probabilities of n images given as NHWC floats in [0, 1] (n x 32 x 32 x 3 values). */
    @Override
    public float[] predict(float[] pixels, int n) {
        if (n < 1 || pixels.length != n * SIZE * SIZE * CHANNELS) {
            throw new IllegalArgumentException("expected " + n + " x 32x32x3 values, got " + pixels.length);
        }
        try (TFloat32 x = TFloat32.tensorOf(Shape.of(n, SIZE, SIZE, CHANNELS), DataBuffers.of(pixels, true, false))) {
            Map<String, Tensor> in = Map.of(input, x);
            try (Result r = bundle.function(signature).call(in)) {
                TFloat32 y = (TFloat32) r.get(output).orElseThrow(
                        () -> new IllegalStateException("signature has no output " + output));
                float[] out = new float[(int) y.size()];
                y.copyTo(DataBuffers.of(out, false, false));
                return out;
            }
        }
    }

    @Override
    public void close() {
        bundle.close();
    }
}
