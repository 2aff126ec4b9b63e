package io.maskgate.agent.inference;

import io.maskgate.agent.frames.Frame;
import java.awt.image.BufferedImage;

/** Scores a face crop: mask probability in per-mille (0..1000), the integer the protocol signs. */
public interface Classifier {

    /**
     * @param frame    the frame the crop came from (only simulated classifiers look at it)
     * @param faceCrop the centred square face crop, any size (the classifier resizes to its input)
     */
    int score(Frame frame, BufferedImage faceCrop);

    /** Version label sent with every decision (printable ASCII, at most 64 chars). */
    String modelVersion();
}
