package io.maskgate.agent.door;

import io.maskgate.agent.frames.Frame;
import io.maskgate.agent.inference.Classifier;
import io.maskgate.tinyml.finder.Box;
import io.maskgate.tinyml.finder.Detection;
import io.maskgate.tinyml.finder.FaceFinder;
import io.maskgate.tinyml.image.ImagePreprocessor;
import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The door's pipeline for one frame, the single function the device agent and {@code model evaluate-door} share
 * (the firmware runs the same steps): find faces -> choose the main face ({@link MainFace}) -> square crop with
 * margin ({@link SquareCrop}) -> the classifier resizes it to its 32x32 input and scores it. The N-of-M step
 * that follows is the unit's {@link io.maskgate.agent.smoothing.Smoother}, fed with {@link Observation#score()}.
 * A frame that already carries its face region (a face-crop dataset image) skips the finder. Not thread-safe.
 */
public final class DoorPipeline {
    private final FaceFinder finder;
    private final Classifier classifier;
    private final double margin;

    /** @param finder the face finder, or null when frames always carry their face region */
    public DoorPipeline(FaceFinder finder, Classifier classifier, double margin) {
        this.finder = finder;
        this.classifier = classifier;
        this.margin = margin;
    }

    public Observation observe(Frame frame) {
        if (frame.image() == null) {
            return Observation.nobody(List.of());
        }
        BufferedImage image = frame.image();
        int w = image.getWidth();
        int h = image.getHeight();
        List<Detection> faces;
        if (frame.face() != null) {
            Rectangle r = frame.face();
            faces = List.of(new Detection(new Box(r.x, r.y, r.x + r.width, r.y + r.height), 1.0));
        } else if (finder != null) {
            faces = finder.find(ImagePreprocessor.toRgb(image), w, h);
        } else {
            return Observation.nobody(List.of());
        }
        return decide(frame, image, faces);
    }

    /** The steps after finding, for faces found elsewhere (the evaluation reuses one finder run per photo). */
    public Observation decide(Frame frame, BufferedImage image, List<Detection> faces) {
        List<Box> boxes = new ArrayList<>();
        for (Detection d : faces) {
            boxes.add(d.box());
        }
        Optional<Integer> main = MainFace.choose(boxes, image.getWidth(), image.getHeight());
        if (main.isEmpty()) {
            return Observation.nobody(faces);
        }
        Detection face = faces.get(main.get());
        Rectangle r = SquareCrop.of(face.box(), image.getWidth(), image.getHeight(), margin);
        BufferedImage crop = image.getSubimage(r.x, r.y, r.width, r.height);
        return new Observation(faces, face, r, crop, classifier.score(frame, crop));
    }

    /** Scores a given box the way the pipeline would if it were the main face. */
    public int scoreBox(Frame frame, BufferedImage image, Box box) {
        Rectangle r = SquareCrop.of(box, image.getWidth(), image.getHeight(), margin);
        return classifier.score(frame, image.getSubimage(r.x, r.y, r.width, r.height));
    }

    public Classifier classifier() {
        return classifier;
    }

    public String finderName() {
        return finder == null ? "none" : finder.name();
    }
}
