package io.maskgate.trainer.detect;

import io.maskgate.tinyml.finder.Detection;
import io.maskgate.tinyml.finder.FinderDecoder;
import io.maskgate.tinyml.finder.FinderSpec;
import io.maskgate.tinyml.finder.Letterbox;
import io.maskgate.trainer.train.TrainConfig;
import io.maskgate.trainer.train.WeightAverage;
import io.maskgate.trainer.train.Weights;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Trains the finder: each epoch renders {@code samplesPerEpoch} fresh augmented samples from the train scenes
 * (on one background thread, while the previous epoch trains; each sample depends only on (seed, index)),
 * takes Adam steps with a cosine learning-rate decay, then runs the val photos through the inference pass and
 * keeps the weights with the best {@link SceneMetrics#score()} (with {@link Config#averaging()} above 0, the
 * weights evaluated, kept and written are the {@link WeightAverage} of the steps so far). Writes {@code last.weights},
 * {@code best.weights} and {@code training.log} into the output folder after every epoch, so a run that is
 * stopped early still leaves usable weights.
 */
public final class FinderTrainer {
    public record Config(int epochs, int samplesPerEpoch, int batch, double learningRate, long seed, int threads,
                         long deadlineEpochMillis, int poolSize, double averaging, double maxFalsePerPhoto) {
        /** Without weight averaging, chosen at the decoder's default threshold (the recipe of finder v1 and v2). */
        public Config(int epochs, int samplesPerEpoch, int batch, double learningRate, long seed, int threads,
                      long deadlineEpochMillis, int poolSize) {
            this(epochs, samplesPerEpoch, batch, learningRate, seed, threads, deadlineEpochMillis, poolSize, 0, 0);
        }
    }

    private final Config cfg;
    private final PrintStream log;

    public FinderTrainer(Config cfg, PrintStream log) {
        this.cfg = cfg;
        this.log = log;
    }

    public Weights train(FinderNet net, SceneSet train, SceneSet val, Path out) throws IOException {
        Files.createDirectories(out);
        TrainConfig tc = TrainConfig.defaults(net.arch(), cfg.epochs(), cfg.seed()).with(cfg.threads(),
                io.maskgate.trainer.data.Augmenter.Preset.CAMERA);
        List<FinderSample> valSamples = new ArrayList<>();
        for (Scene s : val.scenes()) {
            valSamples.add(SampleRenderer.plain(s));
        }
        double bestScore = Double.NEGATIVE_INFINITY;
        Weights best = null;
        long start = System.currentTimeMillis();
        try (FinderGraph graph = new FinderGraph(net, tc)) {
            graph.load(FinderInit.heNormal(net, cfg.seed()));
            graph.resetOptimizer();
            SamplePool pool = new SamplePool(train.scenes(), cfg.poolSize(), cfg.seed());
            java.util.SplittableRandom draws = new java.util.SplittableRandom(cfg.seed());
            WeightAverage average = cfg.averaging() > 0 ? new WeightAverage(cfg.averaging()) : null;
            int px = FinderSpec.INPUT * FinderSpec.INPUT * 3;
            int gc = FinderSpec.GRID * FinderSpec.GRID * FinderSpec.CHANNELS;
            float[] bx = new float[cfg.batch() * px];
            float[] bt = new float[cfg.batch() * gc];
            float[] bw = new float[cfg.batch() * gc];
            for (int epoch = 1; epoch <= cfg.epochs(); epoch++) {
                long t0 = System.nanoTime();
                double progress = progress(epoch, start);
                if (progress >= 1.0) {
                    log.println("stopping before epoch " + epoch + ": the deadline has passed");
                    break;
                }
                double lr = cfg.learningRate() * (0.02 + 0.98 * 0.5 * (1 + Math.cos(Math.PI * progress)));
                double lossSum = 0;
                int positives = 0;
                int steps = Math.max(1, cfg.samplesPerEpoch() / cfg.batch());
                for (int step = 0; step < steps; step++) {
                    try {
                        positives += pool.draw(draws, cfg.batch(), bx, bt, bw);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IOException("interrupted", e);
                    }
                    lossSum += graph.step(bx, bt, bw, cfg.batch(), (float) lr) * cfg.batch();
                    if (average != null) {
                        average.update(graph.weights());
                    }
                }
                int seen = steps * cfg.batch();
                double trainSecs = (System.nanoTime() - t0) / 1e9;
                Weights w;
                SceneMetrics m;
                if (average == null) {
                    m = evaluate(graph, val, valSamples, cfg.maxFalsePerPhoto());
                    w = graph.weights();
                } else {
                    Weights current = graph.weights();
                    w = average.weights();
                    graph.load(w); // evaluate the average, then train on from the current weights
                    m = evaluate(graph, val, valSamples, cfg.maxFalsePerPhoto());
                    graph.load(current);
                }
                WeightsFile.write(w, out.resolve("last.weights"));
                boolean improved = m.score() > bestScore;
                if (improved) {
                    bestScore = m.score();
                    best = w;
                    WeightsFile.write(w, out.resolve("best.weights"));
                }
                String line = String.format(java.util.Locale.ROOT,
                        "epoch %d/%d loss %.4f lr %.5f pos/sample %.2f | %s | score %.4f%s | %.0f s train, %.0f s total, rendered %d, load %.1f",
                        epoch, cfg.epochs(), lossSum / seen, lr, (double) positives / seen, m.line(),
                        m.score(), improved ? " *" : "", trainSecs, (System.nanoTime() - t0) / 1e9, pool.rendered(),
                        java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
                log.println(line);
                log.flush();
                Files.writeString(out.resolve("training.log"), line + System.lineSeparator(),
                        java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
                if (cfg.deadlineEpochMillis() > 0 && System.currentTimeMillis() + (System.nanoTime() - t0) / 1_000_000
                        > cfg.deadlineEpochMillis()) {
                    log.println("stopping after epoch " + epoch + ": another epoch would pass the deadline");
                    break;
                }
            }
            pool.close();
        }
        return best;
    }

    /**
     * Share of the run done before an epoch: by epochs, or by time when a deadline is set and time runs out
     * first (the cosine schedule then still ends at its floor; on a shared machine the epoch count a deadline
     * allows is not known in advance, so such a run is not bit-reproducible).
     */
    private double progress(int epoch, long start) {
        double byEpoch = (double) (epoch - 1) / cfg.epochs();
        if (cfg.deadlineEpochMillis() <= 0) {
            return byEpoch;
        }
        double byTime = (double) (System.currentTimeMillis() - start) / (cfg.deadlineEpochMillis() - start);
        return Math.max(byEpoch, byTime);
    }

    /**
     * Val figures of the graph's current weights: at the decoder's default threshold, or with
     * {@code maxFalsePerPhoto} above 0 at the lowest threshold that keeps false detections within it (so epochs
     * are compared at the operating point the finder will be used at, not at one fixed threshold).
     */
    static SceneMetrics evaluate(FinderGraph graph, SceneSet val, List<FinderSample> valSamples,
                                 double maxFalsePerPhoto) {
        List<List<Detection>> all = new ArrayList<>();
        FinderDecoder decoder = maxFalsePerPhoto > 0 ? new FinderDecoder(0.3, FinderDecoder.DEFAULT_NMS_IOU)
                : FinderDecoder.defaults();
        int per = FinderSpec.GRID * FinderSpec.GRID * FinderSpec.CHANNELS;
        for (int from = 0; from < valSamples.size(); from += 32) {
            int n = Math.min(32, valSamples.size() - from);
            float[] px = new float[n * FinderSpec.INPUT * FinderSpec.INPUT * 3];
            for (int i = 0; i < n; i++) {
                float[] p = valSamples.get(from + i).pixels();
                System.arraycopy(p, 0, px, i * p.length, p.length);
            }
            float[] probs = graph.predict(px, n);
            for (int i = 0; i < n; i++) {
                Scene s = val.scenes().get(from + i);
                double[] p = new double[per];
                for (int k = 0; k < per; k++) {
                    p[k] = probs[i * per + k];
                }
                Letterbox lb = Letterbox.of(s.width(), s.height(), FinderSpec.INPUT);
                List<Detection> dets = new ArrayList<>();
                for (Detection d : decoder.decode(p)) {
                    dets.add(new Detection(lb.toFrame(d.box()), d.score()));
                }
                all.add(dets);
            }
        }
        if (maxFalsePerPhoto > 0) {
            return SceneMetrics.atFalseBudget(val.scenes(), all, maxFalsePerPhoto);
        }
        SceneMetrics m = new SceneMetrics();
        for (int i = 0; i < all.size(); i++) {
            m.add(val.scenes().get(i), all.get(i));
        }
        return m;
    }

}
