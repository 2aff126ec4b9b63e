package io.maskgate.trainer.data;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Makes the augmented training batches of one epoch on a pool of worker threads, a few batches ahead of the
 * trainer, so decoding-free augmentation runs on every core while TensorFlow computes the previous step.
 * Shuffle order and each sample's augmentation are pure functions of (seed, epoch, index): deterministic
 * regardless of thread timing.
 */
public final class BatchProducer implements AutoCloseable {
    private final List<SourceImage> images;
    private final int batchSize;
    private final long seed;
    private final ExecutorService pool;
    private final int lookahead;
    private final Augmenter.Preset preset;

    public BatchProducer(ImageSet set, int batchSize, long seed, int threads) {
        this(set, batchSize, seed, threads, Augmenter.Preset.CAMERA);
    }

    public BatchProducer(ImageSet set, int batchSize, long seed, int threads, Augmenter.Preset preset) {
        this.preset = preset;
        this.images = set.images();
        this.batchSize = batchSize;
        this.seed = seed;
        this.lookahead = Math.max(2, threads * 2);
        this.pool = Executors.newFixedThreadPool(Math.max(1, threads), r -> {
            Thread t = new Thread(r, "augment");
            t.setDaemon(true);
            return t;
        });
    }

    /** Iterates the epoch's batches in order; the last one may be smaller. */
    public Iterable<Batch> epoch(int epoch) {
        List<Integer> order = new ArrayList<>(images.size());
        for (int i = 0; i < images.size(); i++) {
            order.add(i);
        }
        Collections.shuffle(order, new Random(mix(seed, epoch, -1)));
        int batches = (order.size() + batchSize - 1) / batchSize;
        return () -> new java.util.Iterator<>() {
            private final Deque<Future<Batch>> queue = new ArrayDeque<>();
            private int submitted;

            private void fill() {
                while (submitted < batches && queue.size() < lookahead) {
                    int b = submitted++;
                    queue.add(pool.submit(() -> make(order, b, epoch)));
                }
            }

            @Override
            public boolean hasNext() {
                fill();
                return !queue.isEmpty();
            }

            @Override
            public Batch next() {
                fill();
                try {
                    return queue.removeFirst().get();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted", e);
                } catch (ExecutionException e) {
                    throw new IllegalStateException("augmentation failed", e.getCause());
                }
            }
        };
    }

    private Batch make(List<Integer> order, int b, int epoch) {
        int from = b * batchSize;
        int n = Math.min(batchSize, order.size() - from);
        int px = Augmenter.SIZE * Augmenter.SIZE * 3;
        float[] pixels = new float[n * px];
        float[] labels = new float[n];
        for (int i = 0; i < n; i++) {
            int idx = order.get(from + i);
            SourceImage img = images.get(idx);
            Augmenter.augment(img, new SplittableRandom(mix(seed, epoch, idx)), preset, pixels, i * px);
            labels[i] = img.label().value();
        }
        return new Batch(n, pixels, labels);
    }

    /** Deterministic 64-bit mix of the seed with an epoch and sample index. */
    static long mix(long seed, long epoch, long index) {
        long z = seed * 0x9E3779B97F4A7C15L + epoch * 0xBF58476D1CE4E5B9L + index * 0x94D049BB133111EBL;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Unaugmented (area-resized) batches of a whole set in file order, for evaluation and calibration. */
    public static List<Batch> plain(List<SourceImage> images, int batchSize) {
        List<Batch> out = new ArrayList<>();
        int px = Augmenter.SIZE * Augmenter.SIZE * 3;
        for (int from = 0; from < images.size(); from += batchSize) {
            int n = Math.min(batchSize, images.size() - from);
            float[] pixels = new float[n * px];
            float[] labels = new float[n];
            for (int i = 0; i < n; i++) {
                SourceImage img = images.get(from + i);
                System.arraycopy(Resampler.resizeWhole(img, Augmenter.SIZE), 0, pixels, i * px, px);
                labels[i] = img.label().value();
            }
            out.add(new Batch(n, pixels, labels));
        }
        return out;
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
