package io.maskgate.verifier;

import io.maskgate.verifier.model.FloatModelCache;
import io.maskgate.verifier.model.ModelLoadException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Float re-verification of face crops off the caller's thread. A bounded queue feeds a few worker threads;
 * each worker takes what is waiting (up to {@code maxBatch} crops) and runs the crops of one model version as
 * one batch, so under load the float model sees batches and keeps up, and when idle a single crop goes
 * through at once. {@link #submit} never blocks: when the queue is full it returns false and the caller must
 * treat the crop as unverified. Every accepted job gets exactly one {@link Outcome}.
 */
public final class VerificationQueue implements AutoCloseable {

    /** What became of one crop. */
    public enum Status {
        /** The float model gave a probability. */
        VERIFIED,
        /** The bytes are not an image. */
        CORRUPT_IMAGE,
        /** An image, but not 32x32. */
        WRONG_SIZE,
        /** No float model for the decision's model version (or it does not load). */
        NO_MODEL,
        /** The float model failed on the batch. */
        FAILED
    }

    /**
     * @param status       VERIFIED or why not
     * @param probability  float mask probability (VERIFIED only, otherwise NaN)
     * @param queuedNanos  time from submit to the start of its batch
     * @param totalNanos   time from submit to this outcome
     * @param batchSize    crops in the batch it ran in
     * @param detail       why, for anything but VERIFIED
     */
    public record Outcome(Status status, double probability, long queuedNanos, long totalNanos, int batchSize,
                          String detail) {
        public boolean verified() {
            return status == Status.VERIFIED;
        }
    }

    /** One crop to verify; {@code done} runs on a worker thread and must be quick. */
    public record Job(String modelVersion, byte[] image, Consumer<Outcome> done) {
    }

    private record Queued(Job job, long submittedNanos) {
    }

    private final BlockingQueue<Queued> queue;
    private final FloatModelCache models;
    private final int maxBatch;
    private final List<Thread> workers = new ArrayList<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile boolean running = true;

    public VerificationQueue(FloatModelCache models, int capacity, int maxBatch, int workerCount) {
        if (capacity < 1 || maxBatch < 1 || workerCount < 1) {
            throw new IllegalArgumentException("capacity, maxBatch and workers must be >= 1");
        }
        this.models = models;
        this.maxBatch = maxBatch;
        this.queue = new ArrayBlockingQueue<>(capacity);
        for (int i = 0; i < workerCount; i++) {
            Thread t = new Thread(this::work, "verifier-" + i);
            t.setDaemon(true);
            workers.add(t);
            t.start();
        }
    }

    /** Queues a crop; false (nothing queued) when the queue is full or closed. Never blocks. */
    public boolean submit(Job job) {
        return running && queue.offer(new Queued(job, System.nanoTime()));
    }

    /** Crops waiting or being verified. */
    public int depth() {
        return queue.size() + inFlight.get();
    }

    public int capacity() {
        return queue.size() + queue.remainingCapacity();
    }

    private void work() {
        List<Queued> batch = new ArrayList<>(maxBatch);
        while (running) {
            try {
                Queued first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, maxBatch - 1);
                inFlight.addAndGet(batch.size());
                try {
                    run(batch);
                } finally {
                    inFlight.addAndGet(-batch.size());
                    batch.clear();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void run(List<Queued> batch) {
        long started = System.nanoTime();
        Map<String, List<Queued>> byVersion = new LinkedHashMap<>();
        for (Queued q : batch) {
            byVersion.computeIfAbsent(q.job().modelVersion(), v -> new ArrayList<>()).add(q);
        }
        for (Map.Entry<String, List<Queued>> group : byVersion.entrySet()) {
            List<Queued> ok = new ArrayList<>();
            List<float[]> inputs = new ArrayList<>();
            for (Queued q : group.getValue()) {
                try {
                    inputs.add(Crops.pixels(q.job().image()));
                    ok.add(q);
                } catch (Crops.BadCropException e) {
                    finish(q, e.wrongSize() ? Status.WRONG_SIZE : Status.CORRUPT_IMAGE, Double.NaN, started, 1,
                            e.getMessage());
                } catch (RuntimeException e) {
                    finish(q, Status.CORRUPT_IMAGE, Double.NaN, started, 1, String.valueOf(e.getMessage()));
                }
            }
            if (ok.isEmpty()) {
                continue;
            }
            int n = ok.size();
            float[] pixels = new float[n * Crops.SIZE * Crops.SIZE * 3];
            for (int i = 0; i < n; i++) {
                System.arraycopy(inputs.get(i), 0, pixels, i * inputs.get(i).length, inputs.get(i).length);
            }
            float[] p;
            try (FloatModelCache.Lease lease = models.acquire(group.getKey())) {
                p = lease.model().predict(pixels, n);
            } catch (ModelLoadException e) {
                ok.forEach(q -> finish(q, Status.NO_MODEL, Double.NaN, started, n, e.getMessage()));
                continue;
            } catch (RuntimeException e) {
                ok.forEach(q -> finish(q, Status.FAILED, Double.NaN, started, n, String.valueOf(e.getMessage())));
                continue;
            }
            for (int i = 0; i < n; i++) {
                finish(ok.get(i), Status.VERIFIED, p[i], started, n, null);
            }
        }
    }

    private static void finish(Queued q, Status status, double probability, long started, int batchSize,
                               String detail) {
        long now = System.nanoTime();
        try {
            q.job().done().accept(new Outcome(status, probability, started - q.submittedNanos(),
                    now - q.submittedNanos(), batchSize, detail));
        } catch (RuntimeException e) {
            // a failing callback must not stop the worker; the caller's callback owns its own error handling
            System.err.println("verifier: outcome callback failed: " + e);
        }
    }

    /** Stops the workers; crops still queued get a FAILED outcome (accounted for, not dropped). */
    @Override
    public void close() {
        running = false;
        workers.forEach(Thread::interrupt);
        for (Thread t : workers) {
            try {
                t.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        List<Queued> left = new ArrayList<>();
        queue.drainTo(left);
        long now = System.nanoTime();
        left.forEach(q -> finish(q, Status.FAILED, Double.NaN, now, 0, "verifier stopped"));
    }
}
