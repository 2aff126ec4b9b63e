package io.maskgate.agent.frames;

import io.maskgate.protocol.Label;
import java.awt.Rectangle;
import java.awt.image.BufferedImage;

/**
 * One camera frame: the image, the face region found in it (null when nobody is in front of the door) and, for
 * labelled test images, the ground truth (null when unknown). Ground truth is only used for reporting, never
 * for the decision.
 *
 * @param image  the frame, null for an empty scene
 * @param face   face region inside the image, null when there is no face
 * @param source where it came from (file name), for logs
 * @param truth  known label of a test image, or null
 */
public record Frame(BufferedImage image, Rectangle face, String source, Label truth) {

    public static Frame empty(String source) {
        return new Frame(null, null, source, null);
    }

    /** A frame that is a face crop already (dataset images): the face is the whole image. */
    public static Frame faceCrop(BufferedImage image, String source, Label truth) {
        return new Frame(image, new Rectangle(0, 0, image.getWidth(), image.getHeight()), source, truth);
    }

    /** A whole scene: the door pipeline's finder looks for the face. */
    public static Frame scene(BufferedImage image, String source) {
        return new Frame(image, null, source, null);
    }

    public boolean hasFace() {
        return image != null && face != null;
    }
}
