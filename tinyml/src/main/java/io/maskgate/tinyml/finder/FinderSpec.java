package io.maskgate.tinyml.finder;

/**
 * The face finder's output contract, shared by the trainer (targets) and the runtime (decoding): a square
 * RGB input of {@link #INPUT} px and a {@link #GRID}x{@link #GRID} grid of cells of {@link #CELL} px, each with
 * {@link #CHANNELS} sigmoid outputs: face-centre score, centre x and y offset from the cell's centre
 * ({@code (p * 2R - R)} cells, R = {@link #OFFSET_RANGE}), face width and height as a share of the input.
 */
public final class FinderSpec {
    public static final int INPUT = 128;
    public static final int CELL = 8;
    public static final int GRID = INPUT / CELL;
    public static final int CHANNELS = 5;
    public static final int SCORE = 0;
    public static final int DX = 1;
    public static final int DY = 2;
    public static final int WIDTH = 3;
    public static final int HEIGHT = 4;
    public static final double OFFSET_RANGE = 2.0;

    private FinderSpec() {
    }

    /** Offset in cells from a sigmoid output. */
    public static double offset(double p) {
        return p * 2 * OFFSET_RANGE - OFFSET_RANGE;
    }

    /** Sigmoid target of an offset in cells (clamped into the representable range). */
    public static double offsetTarget(double cells) {
        double p = (cells + OFFSET_RANGE) / (2 * OFFSET_RANGE);
        return Math.max(0.001, Math.min(0.999, p));
    }
}
