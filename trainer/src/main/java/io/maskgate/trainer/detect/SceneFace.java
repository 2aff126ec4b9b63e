package io.maskgate.trainer.detect;

import io.maskgate.tinyml.finder.Box;

/** One annotated face of a scene: its label (mask, no_mask or incorrect) and its box in the photo's pixels. */
public record SceneFace(String label, Box box) {
}
