package io.maskgate.trainer.detect;

import io.maskgate.tinyml.finder.Box;
import java.util.List;

/** One rendered training or validation input: 128x128 RGB in [0, 1], its faces (input px) and grid targets. */
public record FinderSample(float[] pixels, List<Box> faces, FinderTargets targets) {
}
