package io.maskgate.trainer.export;

import io.maskgate.trainer.data.Batch;
import io.maskgate.trainer.data.BatchProducer;
import io.maskgate.trainer.data.ImageSet;
import io.maskgate.trainer.report.Metrics;

/** Float-model predictions over a labelled folder: metrics plus the raw probabilities (for int8 agreement). */
public record FloatEvaluation(Metrics metrics, float[] probabilities, int[] truth) {

    public static FloatEvaluation run(FloatModel model, ImageSet set) {
        int n = set.size();
        float[] probs = new float[n];
        int[] truth = new int[n];
        int at = 0;
        for (Batch b : BatchProducer.plain(set.images(), 256)) {
            float[] p = model.predict(b.pixels(), b.size());
            System.arraycopy(p, 0, probs, at, b.size());
            for (int i = 0; i < b.size(); i++) {
                truth[at + i] = (int) b.labels()[i];
            }
            at += b.size();
        }
        int[] pred = new int[n];
        for (int i = 0; i < n; i++) {
            pred[i] = probs[i] >= 0.5f ? 1 : 0;
        }
        return new FloatEvaluation(Metrics.of(truth, pred), probs, truth);
    }
}
