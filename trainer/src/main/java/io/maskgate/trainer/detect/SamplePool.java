package io.maskgate.trainer.detect;

import io.maskgate.tinyml.finder.FinderSpec;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Pre-rendered augmented samples, filled by one background thread and read by the training loop. On a
 * shared machine rendering gets little CPU, so training never waits for it: it draws its batches from
 * whatever has been rendered so far (at least one batch), and once the pool is full each new sample replaces
 * the oldest. Pixels are kept as bytes (48 KB a sample). Every draw may be mirrored, which is free: the grid
 * targets are mirrored with it. Sample i depends only on (seed, i); which samples a batch sees depends on
 * timing, so a run is not bit-reproducible.
 */
final class SamplePool implements AutoCloseable {
    private static final int PX = FinderSpec.INPUT * FinderSpec.INPUT * 3;
    private static final int GC = FinderSpec.GRID * FinderSpec.GRID * FinderSpec.CHANNELS;

    private final byte[][] pixels;
    private final float[][] targets;
    private final float[][] weights;
    private final int[] positives;
    private int rendered;
    private final Thread thread;
    private volatile boolean stop;

    SamplePool(List<Scene> scenes, int capacity, long seed) {
        pixels = new byte[capacity][];
        targets = new float[capacity][];
        weights = new float[capacity][];
        positives = new int[capacity];
        thread = new Thread(() -> {
            SplittableRandom order = new SplittableRandom(seed * 31 + 7);
            for (long i = 0; !stop; i++) {
                Scene s = scenes.get(order.nextInt(scenes.size()));
                FinderSample f = SampleRenderer.augmented(s, seed, i);
                byte[] b = new byte[PX];
                float[] p = f.pixels();
                for (int k = 0; k < PX; k++) {
                    b[k] = (byte) Math.round(p[k] * 255f);
                }
                synchronized (this) {
                    int slot = (int) (rendered % capacity);
                    pixels[slot] = b;
                    targets[slot] = f.targets().target();
                    weights[slot] = f.targets().weight();
                    positives[slot] = f.targets().positives();
                    rendered++;
                    notifyAll();
                }
            }
        }, "finder-render");
        thread.setDaemon(true);
        thread.setPriority(Thread.MIN_PRIORITY);
        thread.start();
    }

    synchronized int rendered() {
        return rendered;
    }

    /** Fills one batch (pixels in [0, 1]); returns the number of positive cells in it. */
    int draw(SplittableRandom r, int n, float[] px, float[] t, float[] w) throws InterruptedException {
        int pos = 0;
        synchronized (this) {
            while (rendered < n) {
                wait();
            }
            int available = Math.min(rendered, pixels.length);
            for (int i = 0; i < n; i++) {
                int slot = r.nextInt(available);
                boolean flip = r.nextBoolean();
                copy(slot, flip, i, px, t, w);
                pos += positives[slot];
            }
        }
        return pos;
    }

    private void copy(int slot, boolean flip, int i, float[] px, float[] t, float[] w) {
        int s = FinderSpec.INPUT;
        int g = FinderSpec.GRID;
        int c = FinderSpec.CHANNELS;
        byte[] b = pixels[slot];
        for (int y = 0; y < s; y++) {
            for (int x = 0; x < s; x++) {
                int src = (y * s + (flip ? s - 1 - x : x)) * 3;
                int dst = i * PX + (y * s + x) * 3;
                for (int k = 0; k < 3; k++) {
                    px[dst + k] = (b[src + k] & 0xff) / 255f;
                }
            }
        }
        float[] ts = targets[slot];
        float[] ws = weights[slot];
        for (int y = 0; y < g; y++) {
            for (int x = 0; x < g; x++) {
                int src = (y * g + (flip ? g - 1 - x : x)) * c;
                int dst = i * GC + (y * g + x) * c;
                for (int k = 0; k < c; k++) {
                    t[dst + k] = ts[src + k];
                    w[dst + k] = ws[src + k];
                }
                if (flip) {
                    t[dst + FinderSpec.DX] = 1f - ts[src + FinderSpec.DX];
                }
            }
        }
    }

    @Override
    public void close() {
        stop = true;
        thread.interrupt();
    }
}
