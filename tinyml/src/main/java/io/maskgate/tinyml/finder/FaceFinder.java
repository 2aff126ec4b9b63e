package io.maskgate.tinyml.finder;

import java.util.List;

/** Finds faces in a frame. Implementations are not thread-safe: one per thread. */
public interface FaceFinder {

    /**
     * @param rgb interleaved RGB (0..255) of a width x height frame
     * @return faces in the frame's pixels, best first
     */
    List<Detection> find(float[] rgb, int width, int height);

    /** Short name for reports (e.g. the model file, or "haar"). */
    String name();
}
