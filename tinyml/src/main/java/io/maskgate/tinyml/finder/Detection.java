package io.maskgate.tinyml.finder;

/** One face found in a frame: its box in the frame's pixels and the finder's score in [0, 1]. */
public record Detection(Box box, double score) {
}
