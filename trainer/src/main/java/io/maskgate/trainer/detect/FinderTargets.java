package io.maskgate.trainer.detect;

import io.maskgate.tinyml.finder.Box;
import io.maskgate.tinyml.finder.FinderSpec;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Training targets of one sample on the finder grid, as two [GRID, GRID, CHANNELS] arrays: the target value and
 * the loss weight of every output. Channel 0 is the face-centre score: 1 on the cells nearest a face's centre
 * (weight {@link #POSITIVE_WEIGHT}), 0 elsewhere (weight 1), and weight 0 (ignored) on cells just around a
 * centre and around faces too small to learn ({@link #MIN_FACE} px), so neither side is taught a coin toss.
 * Channels 1-4 (offset, size) carry weight only on positive cells.
 */
public record FinderTargets(float[] target, float[] weight, int positives) {
    /** Faces shorter than this (input px) are ignored rather than taught. */
    public static final double MIN_FACE = 5.0;
    public static final float POSITIVE_WEIGHT = 4f;
    /** Weight of the regression channels on a positive cell. */
    public static final float BOX_WEIGHT = 1f;

    public static FinderTargets encode(List<Box> faces, List<Box> ignored) {
        int g = FinderSpec.GRID;
        int c = FinderSpec.CHANNELS;
        float[] t = new float[g * g * c];
        float[] w = new float[g * g * c];
        for (int i = 0; i < g * g; i++) {
            w[i * c] = 1f;
            t[i * c + FinderSpec.DX] = 0.5f;
            t[i * c + FinderSpec.DY] = 0.5f;
            t[i * c + FinderSpec.WIDTH] = 0.5f;
            t[i * c + FinderSpec.HEIGHT] = 0.5f;
        }
        boolean[] positive = new boolean[g * g];
        List<Box> all = new ArrayList<>(ignored);
        List<Box> small = new ArrayList<>();
        List<Box> taught = new ArrayList<>();
        for (Box b : faces) {
            (b.shortSide() < MIN_FACE ? small : taught).add(b);
        }
        all.addAll(small);
        for (Box b : all) {
            mark(b, Math.max(1.0, 0.35 * b.shortSide() / FinderSpec.CELL), (cell, dx, dy) -> {
                if (!positive[cell]) {
                    w[cell * c] = 0f;
                }
            });
        }
        // ignore zones of taught faces first, then their positives, larger faces last so they win a shared cell
        taught.sort(Comparator.comparingDouble(Box::area));
        for (Box b : taught) {
            mark(b, Math.max(1.0, 0.35 * b.shortSide() / FinderSpec.CELL), (cell, dx, dy) -> {
                if (!positive[cell]) {
                    w[cell * c] = 0f;
                }
            });
        }
        int count = 0;
        for (Box b : taught) {
            double r = Math.max(0.5, 0.15 * b.shortSide() / FinderSpec.CELL);
            double bw = Math.min(0.99, Math.max(0.01, b.width() / FinderSpec.INPUT));
            double bh = Math.min(0.99, Math.max(0.01, b.height() / FinderSpec.INPUT));
            int[] added = {0};
            mark(b, r, (cell, dx, dy) -> {
                int i = cell * c;
                if (!positive[cell]) {
                    added[0]++;
                }
                positive[cell] = true;
                t[i] = 1f;
                w[i] = POSITIVE_WEIGHT;
                t[i + FinderSpec.DX] = (float) FinderSpec.offsetTarget(dx);
                t[i + FinderSpec.DY] = (float) FinderSpec.offsetTarget(dy);
                t[i + FinderSpec.WIDTH] = (float) bw;
                t[i + FinderSpec.HEIGHT] = (float) bh;
                for (int k = 1; k < c; k++) {
                    w[i + k] = BOX_WEIGHT;
                }
            });
            count += added[0];
        }
        return new FinderTargets(t, w, count);
    }

    private interface CellVisitor {
        /** dx, dy: face centre minus cell centre, in cells. */
        void visit(int cell, double dx, double dy);
    }

    /** Visits the cells whose centre lies within {@code radius} cells (per axis) of the box centre, always its own. */
    private static void mark(Box b, double radius, CellVisitor v) {
        int g = FinderSpec.GRID;
        double cx = b.centreX() / FinderSpec.CELL;
        double cy = b.centreY() / FinderSpec.CELL;
        if (cx < 0 || cy < 0 || cx >= g || cy >= g) {
            return;
        }
        int x0 = Math.max(0, (int) Math.floor(cx - radius - 0.5));
        int x1 = Math.min(g - 1, (int) Math.ceil(cx + radius - 0.5));
        int y0 = Math.max(0, (int) Math.floor(cy - radius - 0.5));
        int y1 = Math.min(g - 1, (int) Math.ceil(cy + radius - 0.5));
        int ox = (int) Math.floor(cx);
        int oy = (int) Math.floor(cy);
        for (int y = y0; y <= y1; y++) {
            for (int x = x0; x <= x1; x++) {
                double dx = cx - (x + 0.5);
                double dy = cy - (y + 0.5);
                if ((x == ox && y == oy) || (Math.abs(dx) <= radius && Math.abs(dy) <= radius)) {
                    v.visit(y * g + x, dx, dy);
                }
            }
        }
    }
}
