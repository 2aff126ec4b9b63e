package io.maskgate.trainer.train;

import io.maskgate.trainer.model.Network;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The trainable tensors of a network as plain float arrays, by flat name. This is what moves between the
 * training graph, the best-epoch snapshot, the inference-only export graph and the quantiser.
 */
public final class Weights {
    private final Map<String, float[]> values;
    private final Map<String, int[]> shapes;

    public Weights(Map<String, float[]> values, Map<String, int[]> shapes) {
        this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
        this.shapes = Collections.unmodifiableMap(new LinkedHashMap<>(shapes));
    }

    /**
     * He-normal initial weights (std = sqrt(2 / fan_in), both signs) and zero biases, from a seeded generator.
     * Written here because tensorflow-framework 1.1.0's uniform initialisers return only non-negative values.
     */
    public static Weights heNormal(Network net, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        Map<String, float[]> v = new LinkedHashMap<>();
        Map<String, int[]> s = new LinkedHashMap<>();
        for (Network.Param p : net.params()) {
            float[] a = new float[p.size()];
            if (p.fanIn() > 0) {
                double std = Math.sqrt(2.0 / p.fanIn());
                for (int i = 0; i < a.length; i++) {
                    a[i] = (float) (gaussian(rnd) * std);
                }
            }
            v.put(p.name(), a);
            s.put(p.name(), p.shape());
        }
        return new Weights(v, s);
    }

    private static double gaussian(SplittableRandom rnd) {
        double u1 = rnd.nextDouble();
        double u2 = rnd.nextDouble();
        return Math.sqrt(-2 * Math.log(Math.max(u1, 1e-300))) * Math.cos(2 * Math.PI * u2);
    }

    public Map<String, float[]> values() {
        return values;
    }

    public float[] get(String name) {
        float[] a = values.get(name);
        if (a == null) {
            throw new IllegalArgumentException("no weights named " + name);
        }
        return a;
    }

    public int[] shape(String name) {
        return shapes.get(name);
    }

    public Map<String, int[]> shapes() {
        return shapes;
    }
}
