package io.maskgate.agent.door;

import io.maskgate.tinyml.finder.Box;
import java.awt.Rectangle;

/**
 * The crop the classifier sees: a square around the face box, its side the box's long side plus
 * {@code margin} of it on each side (0.2 like the ilc-2021 crops), moved inside the frame; when it is larger
 * than the frame's short side it shrinks to that.
 */
public final class SquareCrop {
    public static final double DEFAULT_MARGIN = 0.2;

    private SquareCrop() {
    }

    public static Rectangle of(Box face, int frameWidth, int frameHeight, double margin) {
        if (margin < 0 || margin > 2) {
            throw new IllegalArgumentException("crop margin must be in [0, 2], got " + margin);
        }
        double long_ = Math.max(face.width(), face.height());
        int side = (int) Math.round(long_ * (1 + 2 * margin));
        side = Math.max(1, Math.min(side, Math.min(frameWidth, frameHeight)));
        int x = (int) Math.round(face.centreX() - side / 2.0);
        int y = (int) Math.round(face.centreY() - side / 2.0);
        x = Math.max(0, Math.min(frameWidth - side, x));
        y = Math.max(0, Math.min(frameHeight - side, y));
        return new Rectangle(x, y, side, side);
    }
}
