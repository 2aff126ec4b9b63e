package io.maskgate.trainer.train;

import io.maskgate.trainer.data.Batch;
import io.maskgate.trainer.data.BatchProducer;
import io.maskgate.trainer.data.ImageSet;
import io.maskgate.trainer.model.Network;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs the reference recipe: augmented batches from a {@link BatchProducer}, Adam steps, validation after each
 * epoch, learning rate x{@code plateauFactor} after {@code plateauPatience} epochs without a validation-accuracy
 * improvement, and the weights of the best validation epoch kept. Deterministic for a given seed.
 */
public final class Trainer {
    private final TrainConfig cfg;
    private final PrintStream log;

    public Trainer(TrainConfig cfg, PrintStream log) {
        this.cfg = cfg;
        this.log = log;
    }

    public TrainingRun train(Network net, ImageSet train, ImageSet val) {
        return train(net, train, java.util.Map.of("val", val), false);
    }

    /**
     * Trains choosing epochs on several validation sets. With {@code meanBalanced}, the selection score is the
     * mean over the sets of balanced accuracy (mean of mask and no_mask recall), so a small real-photo set counts
     * as much as a large one and neither class can be given up for the other; otherwise it is the accuracy of the
     * (single) set, the v1 recipe.
     */
    public TrainingRun train(Network net, ImageSet train, java.util.Map<String, ImageSet> vals, boolean meanBalanced) {
        return train(net, train, vals, meanBalanced, run -> true);
    }

    /**
     * Called after every epoch with the run so far (best weights, history); returns false to stop. A run stopped
     * after k epochs equals a run of {@code --epochs k}: nothing before epoch k depends on the epoch count.
     */
    public interface EpochListener {
        boolean afterEpoch(TrainingRun soFar) throws java.io.IOException;
    }

    public TrainingRun train(Network net, ImageSet train, java.util.Map<String, ImageSet> vals, boolean meanBalanced,
                             EpochListener listener) {
        long start = System.nanoTime();
        java.util.Map<String, List<Batch>> valSets = new java.util.LinkedHashMap<>();
        vals.forEach((k, v) -> valSets.put(k, BatchProducer.plain(v.images(), 256)));
        if (!meanBalanced && valSets.size() != 1) {
            throw new IllegalArgumentException("accuracy selection needs exactly one validation set");
        }
        List<EpochResult> history = new ArrayList<>();
        try (TrainingGraph graph = new TrainingGraph(net, cfg);
             BatchProducer producer = new BatchProducer(train, cfg.batchSize(), cfg.seed(), cfg.augmentThreads(),
                     cfg.augmentation())) {
            graph.load(Weights.heNormal(net, cfg.seed()));
            graph.resetOptimizer();
            double lr = cfg.learningRate();
            double bestAcc = -1;
            int bestEpoch = 0;
            Weights best = null;
            int wait = 0;
            long step = 0;
            for (int epoch = 1; epoch <= cfg.epochs(); epoch++) {
                long t0 = System.nanoTime();
                double lossSum = 0;
                int seen = 0;
                for (Batch b : producer.epoch(epoch)) {
                    float l = graph.step(b.pixels(), b.labels(), b.size(), (float) lr, cfg.seed(), step++);
                    lossSum += (double) l * b.size();
                    seen += b.size();
                }
                java.util.Map<String, Double> balanced = new java.util.LinkedHashMap<>();
                double[] v = {0, 0};
                for (var e : valSets.entrySet()) {
                    double[] r = evaluate(graph, e.getValue());
                    v[0] += r[0] / valSets.size();
                    v[1] += (meanBalanced ? r[2] : r[1]) / valSets.size();
                    balanced.put(e.getKey(), r[2]);
                }
                boolean improved = v[1] > bestAcc;
                double usedLr = lr;
                if (improved) {
                    bestAcc = v[1];
                    bestEpoch = epoch;
                    best = graph.weights();
                    wait = 0;
                } else if (++wait >= cfg.plateauPatience()) {
                    lr *= cfg.plateauFactor();
                    wait = 0;
                }
                double secs = (System.nanoTime() - t0) / 1e9;
                EpochResult r = new EpochResult(epoch, lossSum / Math.max(1, seen), v[0], v[1], usedLr, secs,
                        improved, meanBalanced ? balanced : null);
                history.add(r);
                log.println(r.line(cfg.epochs()));
                log.flush();
                try {
                    if (!listener.afterEpoch(new TrainingRun(best, bestEpoch, bestAcc, List.copyOf(history),
                            (System.nanoTime() - start) / 1e9))) {
                        log.println("stopping after epoch " + epoch + " (equals a run of --epochs " + epoch + ")");
                        break;
                    }
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
            return new TrainingRun(best, bestEpoch, bestAcc, history, (System.nanoTime() - start) / 1e9);
        }
    }

    /** Returns {mean BCE, accuracy at p >= 0.5, balanced accuracy (mean of the two class recalls)}. */
    static double[] evaluate(TrainingGraph graph, List<Batch> batches) {
        double loss = 0;
        int correct = 0;
        int n = 0;
        int[] seen = new int[2];
        int[] right = new int[2];
        for (Batch b : batches) {
            float[] p = graph.predict(b.pixels(), b.size());
            for (int i = 0; i < b.size(); i++) {
                double pi = Math.min(1 - 1e-7, Math.max(1e-7, p[i]));
                double y = b.labels()[i];
                loss += -(y * Math.log(pi) + (1 - y) * Math.log(1 - pi));
                seen[(int) y]++;
                if ((p[i] >= 0.5 ? 1 : 0) == (int) y) {
                    correct++;
                    right[(int) y]++;
                }
                n++;
            }
        }
        double recall0 = seen[0] == 0 ? 1 : (double) right[0] / seen[0];
        double recall1 = seen[1] == 0 ? 1 : (double) right[1] / seen[1];
        return new double[] {loss / n, (double) correct / n, (recall0 + recall1) / 2};
    }
}
