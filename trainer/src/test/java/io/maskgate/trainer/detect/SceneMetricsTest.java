package io.maskgate.trainer.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.maskgate.tinyml.finder.Box;
import io.maskgate.tinyml.finder.Detection;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Epochs compared at a false-detection budget: the lowest threshold that keeps false detections within it. */
class SceneMetricsTest {

    private static Scene scene(Box... faces) {
        return new Scene("s", 320, 240, new byte[0],
                java.util.Arrays.stream(faces).map(b -> new SceneFace("mask", b)).toList());
    }

    @Test
    void choosesTheLowestThresholdWithinTheBudget() {
        Box face = new Box(100, 100, 160, 160);
        List<Scene> scenes = List.of(scene(face), scene(face));
        List<List<Detection>> dets = List.of(
                List.of(new Detection(face, 0.55), new Detection(new Box(0, 0, 20, 20), 0.62)),
                List.of(new Detection(new Box(200, 10, 230, 40), 0.48)));
        // no budget for false detections: 0.63 drops both, and with them the found face (0.55)
        SceneMetrics strict = SceneMetrics.atFalseBudget(scenes, dets, 0.0);
        assertEquals(0.63, strict.threshold(), 1e-9);
        assertEquals(0.0, strict.found40(0));
        assertEquals(0.0, strict.falsePerPhoto());
        // half a false detection per photo: 0.49 keeps the face and the 0.62 box (1 false in 2 photos)
        SceneMetrics half = SceneMetrics.atFalseBudget(scenes, dets, 0.5);
        assertEquals(0.49, half.threshold(), 1e-9);
        assertEquals(0.5, half.found40(0), 1e-9);
        assertEquals(0.5, half.falsePerPhoto(), 1e-9);
        // a budget nothing exceeds: the lowest threshold, 0.30
        assertEquals(0.30, SceneMetrics.atFalseBudget(scenes, dets, 5).threshold(), 1e-9);
        assertTrue(half.line().contains("at score >= 0.49"), half.line());
    }
}
