package io.maskgate.trainer.quant;

import io.maskgate.trainer.data.Batch;
import io.maskgate.trainer.data.BatchProducer;
import io.maskgate.trainer.data.ImageSet;
import io.maskgate.trainer.export.FloatModel;

/** Float vs int8 on the same preprocessed images: each one's accuracy, decision agreement and max |dp|. */
public record Agreement(int images, double floatAccuracy, double int8Accuracy, double agreement,
                        double maxAbsDiff) {

    public static Agreement measure(FloatModel f, Int8Model q, ImageSet set) {
        int n = 0;
        int fc = 0;
        int qc = 0;
        int same = 0;
        double maxDiff = 0;
        for (Batch b : BatchProducer.plain(set.images(), 256)) {
            float[] pf = f.predict(b.pixels(), b.size());
            float[] pq = q.predict(set.images().subList(n, n + b.size()));
            for (int i = 0; i < b.size(); i++) {
                int y = (int) b.labels()[i];
                int df = pf[i] >= 0.5f ? 1 : 0;
                int dq = pq[i] >= 0.5f ? 1 : 0;
                fc += df == y ? 1 : 0;
                qc += dq == y ? 1 : 0;
                same += df == dq ? 1 : 0;
                maxDiff = Math.max(maxDiff, Math.abs(pf[i] - pq[i]));
                n++;
            }
        }
        return new Agreement(n, (double) fc / n, (double) qc / n, (double) same / n, maxDiff);
    }
}
