package io.maskgate.agent.frames;

import java.io.IOException;

/**
 * Where a door unit's frames come from: a folder of images today, a real camera later. Implementations decide
 * the scene (people arriving, standing, leaving); the unit only sees frames.
 */
public interface FrameSource extends AutoCloseable {

    /** The next frame; blocks no longer than one frame period. */
    Frame next() throws IOException;

    @Override
    default void close() {
    }
}
