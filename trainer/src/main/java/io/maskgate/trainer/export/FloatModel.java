package io.maskgate.trainer.export;

import io.maskgate.trainer.data.DataException;
import io.maskgate.trainer.model.Architectures;
import io.maskgate.trainer.model.Network;
import io.maskgate.trainer.train.Tensors;
import io.maskgate.trainer.train.Weights;
import io.maskgate.verifier.model.ModelLoadException;
import io.maskgate.verifier.model.ServingModel;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.types.TFloat32;

/**
 * The exported float model loaded back with {@link SavedModelBundle#load}: predictions through the serving
 * signature, the trained weights (for quantisation) and intermediate tensors (for calibration).
 */
public final class FloatModel implements AutoCloseable {
    private final ServingModel serving;
    private final SavedModelBundle bundle;
    private final Network network;
    private final List<String> probes;
    private final Path dir;

    private FloatModel(Path dir, ServingModel serving, Network network, List<String> probes) {
        this.dir = dir;
        this.serving = serving;
        this.bundle = serving.bundle();
        this.network = network;
        this.probes = probes;
    }

    /** Loads through the shared {@link ServingModel} loader (the service's verifier uses the same one). */
    public static FloatModel load(Path dir) {
        ServingModel serving;
        try {
            serving = ServingModel.load(dir);
        } catch (ModelLoadException e) {
            throw new DataException(e.getMessage(), e);
        }
        Network net = Architectures.byName(serving.meta("arch", null));
        List<String> probes = Arrays.stream(serving.meta("probes", "").split(","))
                .filter(s -> !s.isBlank()).toList();
        return new FloatModel(dir, serving, net, probes);
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
        return serving.predict(pixels, n);
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
        serving.close();
    }
}
