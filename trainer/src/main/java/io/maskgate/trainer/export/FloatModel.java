package io.maskgate.trainer.export;

import io.maskgate.trainer.data.DataException;
import io.maskgate.trainer.model.Architectures;
import io.maskgate.trainer.model.Network;
import io.maskgate.trainer.train.Tensors;
import io.maskgate.trainer.train.Weights;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.types.TFloat32;

/**
 * The exported float model loaded back with {@link SavedModelBundle#load}: predictions through the serving
 * signature, the trained weights (for quantisation) and intermediate tensors (for calibration).
 */
public final class FloatModel implements AutoCloseable {
    private final SavedModelBundle bundle;
    private final Network network;
    private final List<String> probes;
    private final Path dir;

    private FloatModel(Path dir, SavedModelBundle bundle, Network network, List<String> probes) {
        this.dir = dir;
        this.bundle = bundle;
        this.network = network;
        this.probes = probes;
    }

    public static FloatModel load(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new DataException("saved model folder not found: " + dir);
        }
        if (!Files.isRegularFile(dir.resolve("saved_model.pb"))) {
            throw new DataException("not a SavedModel (no saved_model.pb): " + dir);
        }
        Path metaFile = dir.resolve(SavedModelExporter.META);
        if (!Files.isRegularFile(metaFile)) {
            throw new DataException("SavedModel was not written by the MaskGate trainer (no "
                    + SavedModelExporter.META + "): " + dir);
        }
        Properties meta = new Properties();
        try (Reader r = Files.newBufferedReader(metaFile)) {
            meta.load(r);
        } catch (IOException e) {
            throw new DataException("cannot read " + metaFile + ": " + e.getMessage(), e);
        }
        Network net = Architectures.byName(meta.getProperty("arch"));
        List<String> probes = Arrays.stream(meta.getProperty("probes", "").split(","))
                .filter(s -> !s.isBlank()).toList();
        ConfigProto config = ConfigProto.newBuilder().setIntraOpParallelismThreads(1)
                .setInterOpParallelismThreads(1).build();
        SavedModelBundle bundle;
        try {
            bundle = SavedModelBundle.loader(dir.toString()).withTags(SavedModelBundle.DEFAULT_TAG)
                    .withConfigProto(config).load();
        } catch (RuntimeException e) {
            throw new DataException("cannot load SavedModel " + dir + ": " + e.getMessage(), e);
        }
        return new FloatModel(dir, bundle, net, probes);
    }

    public Network network() {
        return network;
    }

    public Path dir() {
        return dir;
    }

    public List<String> probes() {
        return probes;
    }

    /** Mask probabilities for n images (NHWC floats in [0,1]) through the serving signature. */
    public float[] predict(float[] pixels, int n) {
        try (TFloat32 x = Tensors.of(pixels, n, Network.INPUT, Network.INPUT, Network.CHANNELS)) {
            Map<String, Tensor> in = Map.of(SavedModelExporter.INPUT, x);
            try (Result r = bundle.function(SavedModelExporter.SIGNATURE).call(in)) {
                return Tensors.read((TFloat32) r.get(SavedModelExporter.OUTPUT).orElseThrow());
            }
        }
    }

    /** Intermediate tensors by probe name, for activation-range calibration. */
    public Map<String, float[]> probe(float[] pixels, int n) {
        Session s = bundle.session();
        try (TFloat32 x = Tensors.of(pixels, n, Network.INPUT, Network.INPUT, Network.CHANNELS)) {
            var runner = s.runner().feed(SavedModelExporter.INPUT, x);
            probes.forEach(runner::fetch);
            Map<String, float[]> out = new LinkedHashMap<>();
            try (Result r = runner.run()) {
                for (int i = 0; i < probes.size(); i++) {
                    out.put(probes.get(i), Tensors.read((TFloat32) r.get(i)));
                }
            }
            return out;
        }
    }

    /** The trained weights read back from the SavedModel's variables. */
    public Weights weights() {
        var runner = bundle.session().runner();
        List<Network.Param> params = network.params();
        params.forEach(p -> runner.fetch(p.name()));
        Map<String, float[]> values = new LinkedHashMap<>();
        Map<String, int[]> shapes = new LinkedHashMap<>();
        try (Result r = runner.run()) {
            for (int i = 0; i < params.size(); i++) {
                values.put(params.get(i).name(), Tensors.read((TFloat32) r.get(i)));
                shapes.put(params.get(i).name(), params.get(i).shape());
            }
        }
        return new Weights(values, shapes);
    }

    @Override
    public void close() {
        bundle.close();
    }
}
