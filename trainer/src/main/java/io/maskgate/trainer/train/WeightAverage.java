package io.maskgate.trainer.train;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An exponential moving average of weights over training steps (Polyak averaging, as TensorFlow's
 * ExponentialMovingAverage with num_updates: the decay is min(decay, (1 + t) / (10 + t)), so early steps are not
 * held back by the initial weights). The finder's validation figures jump from epoch to epoch with plain
 * weights; the average is smoother and is what gets evaluated, kept and exported when averaging is on.
 */
public final class WeightAverage {
    private final double decay;
    private Map<String, float[]> avg;
    private Map<String, int[]> shapes;
    private long updates;

    public WeightAverage(double decay) {
        if (!(decay > 0 && decay < 1)) {
            throw new IllegalArgumentException("averaging decay must be in (0, 1), got " + decay);
        }
        this.decay = decay;
    }

    public void update(Weights w) {
        if (avg == null) {
            avg = new LinkedHashMap<>();
            for (Map.Entry<String, float[]> e : w.values().entrySet()) {
                avg.put(e.getKey(), e.getValue().clone());
            }
            shapes = w.shapes();
            updates = 1;
            return;
        }
        double d = Math.min(decay, (1.0 + updates) / (10.0 + updates));
        for (Map.Entry<String, float[]> e : avg.entrySet()) {
            float[] a = e.getValue();
            float[] x = w.get(e.getKey());
            if (x.length != a.length) {
                throw new IllegalArgumentException("weights " + e.getKey() + " changed size");
            }
            for (int i = 0; i < a.length; i++) {
                a[i] = (float) (d * a[i] + (1 - d) * x[i]);
            }
        }
        updates++;
    }

    public long updates() {
        return updates;
    }

    /** A copy of the average so far. */
    public Weights weights() {
        if (avg == null) {
            throw new IllegalStateException("no weights averaged yet");
        }
        Map<String, float[]> copy = new LinkedHashMap<>();
        avg.forEach((k, v) -> copy.put(k, v.clone()));
        return new Weights(copy, shapes);
    }
}
