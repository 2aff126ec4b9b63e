package io.maskgate.agent.inference;

import io.maskgate.agent.frames.Frame;
import java.awt.image.BufferedImage;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The classifier a unit runs right now, swappable between frames: the OTA client installs a new model (or goes back
 * to the previous one) with {@link #swap}, and the next {@link #score} uses it. A frame already being scored
 * finishes on the model it started with, so a decision is never computed half on one model and half on another,
 * and its {@code modelVersion} is the version that scored it.
 */
public final class ClassifierHolder implements Classifier {

    private final AtomicReference<Classifier> current;
    private final ThreadLocal<Classifier> lastUsed = new ThreadLocal<>();

    public ClassifierHolder(Classifier initial) {
        this.current = new AtomicReference<>(Objects.requireNonNull(initial));
    }

    /** Installs {@code next} for the following frames; returns the one it replaced. */
    public Classifier swap(Classifier next) {
        return current.getAndSet(Objects.requireNonNull(next));
    }

    public Classifier current() {
        return current.get();
    }

    @Override
    public int score(Frame frame, BufferedImage faceCrop) {
        Classifier c = current.get();
        lastUsed.set(c);
        return c.score(frame, faceCrop);
    }

    /** The version of the model that scored the calling thread's last frame (else the current one). */
    @Override
    public String modelVersion() {
        Classifier c = lastUsed.get();
        return (c == null ? current.get() : c).modelVersion();
    }
}
