package io.maskgate.trainer.detect;

import io.maskgate.tinyml.finder.Box;
import io.maskgate.tinyml.finder.Detection;
import java.util.List;

/**
 * Quick finder figures during training, on whole val photos: share of faces found (a detection with IoU >= 0.3)
 * per label for faces with a short side of at least 40 px and 20 px, and detections per photo that match no
 * annotated face. The evaluate-door command computes the reported figures.
 */
final class SceneMetrics {
    private final int[] found40 = new int[2];
    private final int[] total40 = new int[2];
    private final int[] found20 = new int[2];
    private final int[] total20 = new int[2];
    private int falseDetections;
    private int photos;

    void add(Scene scene, List<Detection> detections) {
        photos++;
        for (SceneFace f : scene.faces()) {
            int k = f.label().equals("mask") ? 0 : f.label().equals("no_mask") ? 1 : -1;
            if (k < 0) {
                continue;
            }
            boolean found = detections.stream().anyMatch(d -> d.box().iou(f.box()) >= 0.3);
            double side = f.box().shortSide();
            if (side >= 40) {
                total40[k]++;
                found40[k] += found ? 1 : 0;
            }
            if (side >= 20) {
                total20[k]++;
                found20[k] += found ? 1 : 0;
            }
        }
        for (Detection d : detections) {
            boolean matches = false;
            for (SceneFace f : scene.faces()) {
                Box b = f.box();
                matches |= d.box().iou(b) >= 0.3;
            }
            falseDetections += matches ? 0 : 1;
        }
    }

    /**
     * The figures at the lowest score threshold (0.30 to 0.95 in steps of 0.01) whose false detections stay
     * within {@code maxFalsePerPhoto}, or at 0.95 when none does; the threshold chosen is {@link #threshold()}
     * (compare its false detections with the budget to tell the two apart). Detections must have been
     * decoded at 0.30 or lower (a higher threshold only drops boxes: a box never suppresses a better one).
     */
    static SceneMetrics atFalseBudget(List<Scene> scenes, List<List<Detection>> detections, double maxFalsePerPhoto) {
        SceneMetrics last = null;
        for (int step = 30; step <= 95; step++) {
            double t = step / 100.0;
            SceneMetrics m = new SceneMetrics();
            m.threshold = t;
            for (int i = 0; i < scenes.size(); i++) {
                List<Detection> kept = detections.get(i).stream().filter(d -> d.score() >= t).toList();
                m.add(scenes.get(i), kept);
            }
            last = m;
            if (m.falsePerPhoto() <= maxFalsePerPhoto) {
                return m;
            }
        }
        return last;
    }

    private double threshold = Double.NaN;

    /** The score threshold the figures were taken at, when chosen by {@link #atFalseBudget}; NaN otherwise. */
    double threshold() {
        return threshold;
    }

    double found40(int label) {
        return total40[label] == 0 ? 0 : (double) found40[label] / total40[label];
    }

    double found20(int label) {
        return total20[label] == 0 ? 0 : (double) found20[label] / total20[label];
    }

    double falsePerPhoto() {
        return photos == 0 ? 0 : (double) falseDetections / photos;
    }

    /** Model choice: the worse label's found share at 40 px, minus false detections beyond 0.2 per photo. */
    double score() {
        return Math.min(found40(0), found40(1)) + 0.25 * Math.min(found20(0), found20(1))
                - Math.max(0, falsePerPhoto() - 0.2);
    }

    String line() {
        return String.format(java.util.Locale.ROOT,
                "found>=40 mask %.3f no_mask %.3f | found>=20 mask %.3f no_mask %.3f | false/photo %.3f",
                found40(0), found40(1), found20(0), found20(1), falsePerPhoto())
                + (Double.isNaN(threshold) ? "" : String.format(java.util.Locale.ROOT, " at score >= %.2f", threshold));
    }
}
