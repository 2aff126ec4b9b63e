package io.maskgate.tinyml.interpreter;

import io.maskgate.tinyml.model.ModelFormatException;
import io.maskgate.tinyml.model.OperatorSpec;
import io.maskgate.tinyml.model.TensorSpec;
import io.maskgate.tinyml.model.TfliteModel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Places every activation tensor in one arena, like TFLM's greedy memory planner: a tensor lives from the op
 * that writes it (or the start, for graph inputs) to the last op that reads it (or the end, for graph outputs);
 * tensors are placed largest first at the lowest 16-byte-aligned offset that does not overlap any placed tensor
 * whose lifetime intersects. The arena size is the peak end offset; it is fixed before the first inference.
 */
public final class ArenaPlanner {
    /** Upper bound on the arena, checked before allocating it. */
    public static final long MAX_ARENA_BYTES = 256L << 20;
    private static final int ALIGN = 16;

    private ArenaPlanner() {
    }

    /** Plan result: per-tensor offset (-1 for constants and unused tensors) and total arena bytes. */
    public record Plan(int[] offsets, int arenaBytes) {
    }

    public static Plan plan(TfliteModel model) throws ModelFormatException {
        return plan(model, false);
    }

    /** With disjoint=true every tensor gets its own space (debugging: all intermediates stay readable). */
    public static Plan plan(TfliteModel model, boolean disjoint) throws ModelFormatException {
        List<TensorSpec> tensors = model.tensors();
        int n = tensors.size();
        int ops = model.operators().size();
        int[] first = new int[n];
        int[] last = new int[n];
        Arrays.fill(first, Integer.MAX_VALUE);
        Arrays.fill(last, -1);
        for (int t : model.inputs()) {
            first[t] = 0;
            last[t] = Math.max(last[t], 0);
        }
        for (OperatorSpec op : model.operators()) {
            for (int t : op.inputs()) {
                if (t >= 0) {
                    last[t] = Math.max(last[t], op.index());
                    first[t] = Math.min(first[t], op.index());
                }
            }
            for (int t : op.outputs()) {
                first[t] = Math.min(first[t], op.index());
                last[t] = Math.max(last[t], op.index());
            }
        }
        for (int t : model.outputs()) {
            last[t] = ops;
            first[t] = Math.min(first[t], ops);
        }
        List<Integer> live = new ArrayList<>();
        for (int t = 0; t < n; t++) {
            if (!tensors.get(t).isConstant() && last[t] >= 0) {
                live.add(t);
            }
        }
        long total = 0;
        for (int t : live) {
            total += align(tensors.get(t).byteSize());
        }
        if (total > MAX_ARENA_BYTES) {
            throw new ModelFormatException("activations need up to " + total + " bytes, over the arena cap of "
                    + MAX_ARENA_BYTES);
        }
        live.sort(Comparator.comparingLong((Integer t) -> tensors.get(t).byteSize()).reversed()
                .thenComparingInt(t -> t));
        int[] offsets = new int[n];
        Arrays.fill(offsets, -1);
        List<Integer> placed = new ArrayList<>();
        long peak = 0;
        for (int t : live) {
            long size = align(tensors.get(t).byteSize());
            List<long[]> busy = new ArrayList<>();
            for (int p : placed) {
                if (disjoint || (first[p] <= last[t] && first[t] <= last[p])) {
                    busy.add(new long[] {offsets[p], offsets[p] + align(tensors.get(p).byteSize())});
                }
            }
            busy.sort(Comparator.comparingLong(b -> b[0]));
            long candidate = 0;
            for (long[] b : busy) {
                if (candidate + size <= b[0]) {
                    break;
                }
                candidate = Math.max(candidate, b[1]);
            }
            offsets[t] = (int) candidate;
            placed.add(t);
            peak = Math.max(peak, candidate + size);
        }
        return new Plan(offsets, (int) peak);
    }

    private static long align(long v) {
        return (v + ALIGN - 1) / ALIGN * ALIGN;
    }
}
