package io.maskgate.agent.door;

import io.maskgate.tinyml.finder.Detection;
import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.util.List;

/**
 * What the door pipeline made of one frame: every face found, the main face (null when none), the square crop
 * around it and the classifier's per-mille mask score (-1 when there was no face).
 */
public record Observation(List<Detection> faces, Detection mainFace, Rectangle cropRect, BufferedImage crop,
                          int score) {

    public static Observation nobody(List<Detection> faces) {
        return new Observation(faces, null, null, null, -1);
    }

    public boolean hasFace() {
        return mainFace != null;
    }
}
