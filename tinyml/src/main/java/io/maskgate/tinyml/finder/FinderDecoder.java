package io.maskgate.tinyml.finder;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Turns the finder's grid of probabilities into face boxes: a cell is a face centre when its score reaches
 * the threshold and is the largest in its 3x3 neighbourhood; its box is decoded from its offsets and sizes,
 * then overlapping boxes (IoU above {@code nmsIou}) keep only the higher score. Boxes are in input pixels.
 */
public record FinderDecoder(double threshold, double nmsIou) {
    public static final double DEFAULT_THRESHOLD = 0.7;
    public static final double DEFAULT_NMS_IOU = 0.3;

    public FinderDecoder {
        if (!(threshold > 0 && threshold < 1)) {
            throw new IllegalArgumentException("finder threshold must be in (0, 1), got " + threshold);
        }
    }

    public static FinderDecoder defaults() {
        return new FinderDecoder(DEFAULT_THRESHOLD, DEFAULT_NMS_IOU);
    }

    /** @param p probabilities [GRID][GRID][CHANNELS] flattened row-major (NHWC without N) */
    public List<Detection> decode(double[] p) {
        int g = FinderSpec.GRID;
        int c = FinderSpec.CHANNELS;
        if (p.length != g * g * c) {
            throw new IllegalArgumentException("finder output must have " + g * g * c + " values, got " + p.length);
        }
        List<Detection> candidates = new ArrayList<>();
        for (int y = 0; y < g; y++) {
            for (int x = 0; x < g; x++) {
                double s = p[(y * g + x) * c + FinderSpec.SCORE];
                if (s < threshold || !localMax(p, x, y, s)) {
                    continue;
                }
                int i = (y * g + x) * c;
                double cx = (x + 0.5 + FinderSpec.offset(p[i + FinderSpec.DX])) * FinderSpec.CELL;
                double cy = (y + 0.5 + FinderSpec.offset(p[i + FinderSpec.DY])) * FinderSpec.CELL;
                double w = p[i + FinderSpec.WIDTH] * FinderSpec.INPUT;
                double h = p[i + FinderSpec.HEIGHT] * FinderSpec.INPUT;
                candidates.add(new Detection(Box.centred(cx, cy, w, h), s));
            }
        }
        candidates.sort(Comparator.comparingDouble(Detection::score).reversed());
        List<Detection> kept = new ArrayList<>();
        for (Detection d : candidates) {
            boolean overlaps = false;
            for (Detection k : kept) {
                if (k.box().iou(d.box()) > nmsIou) {
                    overlaps = true;
                    break;
                }
            }
            if (!overlaps) {
                kept.add(d);
            }
        }
        return kept;
    }

    private static boolean localMax(double[] p, int x, int y, double s) {
        int g = FinderSpec.GRID;
        for (int dy = -1; dy <= 1; dy++) {
            for (int dx = -1; dx <= 1; dx++) {
                int nx = x + dx;
                int ny = y + dy;
                if ((dx == 0 && dy == 0) || nx < 0 || ny < 0 || nx >= g || ny >= g) {
                    continue;
                }
                double o = p[(ny * g + nx) * FinderSpec.CHANNELS + FinderSpec.SCORE];
                // ties go to the earlier cell in row-major order, so a plateau yields one centre
                if (o > s || (o == s && (ny * g + nx) < (y * g + x))) {
                    return false;
                }
            }
        }
        return true;
    }
}
