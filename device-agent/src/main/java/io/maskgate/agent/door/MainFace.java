package io.maskgate.agent.door;

import io.maskgate.tinyml.finder.Box;
import java.util.List;
import java.util.Optional;

/**
 * Which face the door decides on when several are in view: the largest, because the person at the door is
 * the one nearest the camera; boxes within 10 % of the largest area count as equally large, and of those the
 * one nearest the frame's centre wins. The same rule picks a photo's main face among its annotated boxes.
 */
public final class MainFace {
    private MainFace() {
    }

    public static Optional<Integer> choose(List<Box> boxes, int frameWidth, int frameHeight) {
        double largest = 0;
        for (Box b : boxes) {
            largest = Math.max(largest, b.area());
        }
        int best = -1;
        double bestDistance = Double.MAX_VALUE;
        for (int i = 0; i < boxes.size(); i++) {
            Box b = boxes.get(i);
            if (b.area() < 0.9 * largest || b.area() <= 0) {
                continue;
            }
            double d = Math.hypot(b.centreX() - frameWidth / 2.0, b.centreY() - frameHeight / 2.0);
            if (d < bestDistance) {
                bestDistance = d;
                best = i;
            }
        }
        return best < 0 ? Optional.empty() : Optional.of(best);
    }
}
