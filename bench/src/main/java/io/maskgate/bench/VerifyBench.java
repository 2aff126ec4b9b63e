package io.maskgate.bench;

import io.maskgate.tinyml.cli.CommandLines;
import io.maskgate.tinyml.cli.WorkCommand;
import io.maskgate.tinyml.image.ImagePreprocessor;
import io.maskgate.verifier.VerificationQueue;
import io.maskgate.verifier.model.FloatModelCache;
import io.maskgate.verifier.model.ModelCatalog;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./maskgate bench verify}: the service's float re-verification path (PNG crop -> decode -> tinyml
 * preprocessing -> shipped float SavedModel) through the same {@link VerificationQueue} the service uses.
 * Prints (1) single-crop latency p50/p99 with an idle queue, (2) batched throughput with the queue kept full,
 * (3) latency p50/p99 at a paced 100 uncertain crops/s (open loop: latency counted from when each crop was due).
 * Options: {@link Options}.
 */
public final class VerifyBench {

    private VerifyBench() {
    }

    /** The options of {@code ./maskgate bench verify}; {@link #call} is where the model loads and the bench runs. */
    @Command(name = "maskgate bench verify", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Float re-verification of crops through the service's verifier queue: single-crop "
                    + "p50/p99, batched throughput, p50/p99 at a paced rate (service/README.md).")
    static final class Options extends WorkCommand<Options> {
        @Option(names = "--seconds", defaultValue = "15", paramLabel = "N",
                description = "seconds per phase (default ${DEFAULT-VALUE})")
        int seconds;

        @Option(names = "--rate", defaultValue = "100", paramLabel = "R",
                description = "crops/s in the paced phase (default ${DEFAULT-VALUE})")
        int rate;

        @Option(names = "--workers", defaultValue = "1", paramLabel = "W",
                description = "verifier worker threads (default ${DEFAULT-VALUE})")
        int workers;

        @Option(names = "--batch", defaultValue = "16", paramLabel = "B",
                description = "largest batch (default ${DEFAULT-VALUE})")
        int batch;

        Options(CommandLines.Work<Options> work) {
            super(work);
        }
    }

    public static void main(String[] args) {
        CommandLines.exit(new Options(VerifyBench::bench), args);
    }

    static int bench(Options options) throws Exception {
        int seconds = options.seconds;
        int rate = options.rate;
        int workers = options.workers;
        int batch = options.batch;
        Path home = Path.of(System.getenv().getOrDefault("MASKGATE_HOME", ".")).toAbsolutePath();
        Path data = Path.of(System.getenv().getOrDefault("MASKGATE_DATA", home.resolve("../shared/datasets").toString()));
        List<byte[]> crops = crops(data.resolve("facemask-12k/test"), 200);
        String version = "maskgate-tiny-v1";
        try (FloatModelCache models = new FloatModelCache(new ModelCatalog(home.resolve("models")), 2);
             VerificationQueue queue = new VerificationQueue(models, 1024, batch, workers)) {
            System.out.printf("verify bench: %d crops of facemask-12k/test, model %s, %d worker(s), batch <= %d%n",
                    crops.size(), version, workers, batch);
            long loadStart = System.nanoTime();
            runOne(queue, version, crops.get(0));
            System.out.printf("first crop (loads the float model): %.1f ms%n", (System.nanoTime() - loadStart) / 1e6);

            // (1) single crop at a time
            Histogram single = new Histogram(3_600_000_000L, 3);
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            for (int i = 0; i < 300; i++) {
                runOne(queue, version, crops.get(i % crops.size())); // warm-up
            }
            int n = 0;
            while (System.nanoTime() < end) {
                single.recordValue(runOne(queue, version, crops.get(n++ % crops.size())));
            }
            System.out.printf("single crop, idle queue: n=%d p50 %.2f ms, p99 %.2f ms, max %.2f ms%n",
                    single.getTotalCount(), ms(single.getValueAtPercentile(50)), ms(single.getValueAtPercentile(99)),
                    ms(single.getMaxValue()));

            // (2) throughput with the queue kept full (batches form); the submitter blocks, it does not spin
            AtomicInteger done = new AtomicInteger();
            AtomicLong batchSizes = new AtomicLong();
            java.util.concurrent.Semaphore slots = new java.util.concurrent.Semaphore(256);
            long cpu0 = processCpuNanos();
            long start = System.nanoTime();
            end = start + TimeUnit.SECONDS.toNanos(seconds);
            int submitted = 0;
            while (System.nanoTime() < end) {
                if (!slots.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                    continue;
                }
                byte[] crop = crops.get(submitted % crops.size());
                if (queue.submit(new VerificationQueue.Job(version, crop, o -> {
                    batchSizes.addAndGet(o.batchSize());
                    done.incrementAndGet();
                    slots.release();
                }))) {
                    submitted++;
                } else {
                    slots.release();
                    Thread.sleep(1);
                }
            }
            int finished = done.get();
            double elapsed = (System.nanoTime() - start) / 1e9;
            double cpuMsPerCrop = (processCpuNanos() - cpu0) / 1e6 / Math.max(1, finished);
            System.out.printf("batched, queue kept full: %.0f crops/s wall clock (mean batch %.1f); process CPU "
                            + "%.2f ms per crop = %.0f crops per CPU-second%n", finished / elapsed,
                    batchSizes.get() / (double) Math.max(1, finished), cpuMsPerCrop, 1000 / cpuMsPerCrop);
            while (queue.depth() > 0) {
                Thread.sleep(10);
            }

            // (3) paced open loop at `rate` crops/s, latency from the due time
            Recorder recorder = new Recorder(3);
            AtomicInteger refused = new AtomicInteger();
            long periodNanos = 1_000_000_000L / rate;
            int total = rate * seconds;
            CountDownLatch all = new CountDownLatch(total);
            long t0 = System.nanoTime() + 50_000_000L;
            for (int i = 0; i < total; i++) {
                long due = t0 + i * periodNanos;
                while (System.nanoTime() < due) {
                    long left = due - System.nanoTime();
                    if (left > 200_000) {
                        Thread.sleep(0, 100_000);
                    } else {
                        Thread.onSpinWait();
                    }
                }
                byte[] crop = crops.get(i % crops.size());
                if (!queue.submit(new VerificationQueue.Job(version, crop, o -> {
                    recorder.recordValue(Math.max(0, System.nanoTime() - due));
                    all.countDown();
                }))) {
                    refused.incrementAndGet();
                    all.countDown();
                }
            }
            all.await(60, TimeUnit.SECONDS);
            Histogram paced = recorder.getIntervalHistogram();
            System.out.printf("paced %d crops/s for %d s: p50 %.2f ms, p99 %.2f ms, max %.2f ms, refused %d "
                            + "(goal p99 <= 20 ms)%n", rate, seconds, ms(paced.getValueAtPercentile(50)),
                    ms(paced.getValueAtPercentile(99)), ms(paced.getMaxValue()), refused.get());
        }
        return 0;
    }

    private static long runOne(VerificationQueue queue, String version, byte[] crop) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(1);
        long start = System.nanoTime();
        AtomicLong took = new AtomicLong();
        if (!queue.submit(new VerificationQueue.Job(version, crop, o -> {
            if (!o.verified()) {
                throw new IllegalStateException("not verified: " + o.status() + " " + o.detail());
            }
            took.set(System.nanoTime() - start);
            done.countDown();
        }))) {
            throw new IllegalStateException("queue refused a crop while idle");
        }
        if (!done.await(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("no verdict within 60 s");
        }
        return took.get();
    }

    private static List<byte[]> crops(Path dir, int n) throws IOException {
        List<Path> files = new ArrayList<>();
        for (String label : new String[] {"mask", "no_mask"}) {
            try (Stream<Path> s = Files.list(dir.resolve(label))) {
                s.filter(p -> p.toString().endsWith(".jpg")).sorted().limit(n / 2).forEach(files::add);
            }
        }
        List<byte[]> crops = new ArrayList<>();
        for (Path f : files) {
            ByteArrayOutputStream png = new ByteArrayOutputStream();
            ImageIO.write(ImagePreprocessor.resizeTo(ImagePreprocessor.decode(f), 32, 32), "png", png);
            crops.add(png.toByteArray());
        }
        return crops;
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }
}
