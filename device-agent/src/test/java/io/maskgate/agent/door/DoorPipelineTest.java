package io.maskgate.agent.door;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.maskgate.agent.frames.Frame;
import io.maskgate.agent.inference.Classifier;
import io.maskgate.tinyml.finder.Box;
import io.maskgate.tinyml.finder.Detection;
import io.maskgate.tinyml.finder.FaceFinder;
import io.maskgate.tinyml.finder.SceneBoxes;
import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DoorPipelineTest {

    /** Scores a crop by its mean red level, so a test can tell which region was cropped. */
    private static final class RedClassifier implements Classifier {
        final List<Rectangle> crops = new ArrayList<>();

        @Override
        public int score(Frame frame, BufferedImage crop) {
            long sum = 0;
            for (int y = 0; y < crop.getHeight(); y++) {
                for (int x = 0; x < crop.getWidth(); x++) {
                    sum += (crop.getRGB(x, y) >> 16) & 0xff;
                }
            }
            return (int) (sum * 1000 / (255L * crop.getWidth() * crop.getHeight()));
        }

        @Override
        public String modelVersion() {
            return "red";
        }
    }

    private static FaceFinder fixed(List<Detection> faces) {
        return new FaceFinder() {
            @Override
            public List<Detection> find(float[] rgb, int width, int height) {
                return faces;
            }

            @Override
            public String name() {
                return "fixed";
            }
        };
    }

    @Test
    void theLargestFaceIsCroppedSquareWithMarginAndScored() {
        BufferedImage img = new BufferedImage(200, 100, BufferedImage.TYPE_INT_RGB);
        for (int y = 20; y < 80; y++) {
            for (int x = 120; x < 180; x++) {
                img.setRGB(x, y, 0xff0000); // the big face is red
            }
        }
        List<Detection> faces = List.of(new Detection(new Box(10, 10, 30, 30), 0.9),
                new Detection(new Box(130, 30, 170, 70), 0.6));
        DoorPipeline p = new DoorPipeline(fixed(faces), new RedClassifier(), 0.2);
        Observation o = p.observe(new Frame(img, null, "scene", null));
        assertTrue(o.hasFace());
        assertEquals(faces.get(1), o.mainFace());
        assertEquals(new Rectangle(122, 22, 56, 56), o.cropRect()); // 40 * 1.4 = 56, centred on (150, 50)
        assertEquals(1000, o.score());
    }

    @Test
    void noFaceFoundMeansNobodyAndAFaceCropFrameSkipsTheFinder() {
        BufferedImage img = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
        DoorPipeline p = new DoorPipeline(fixed(List.of()), new RedClassifier(), 0.2);
        assertFalse(p.observe(new Frame(img, null, "empty", null)).hasFace());
        assertFalse(p.observe(Frame.empty("nobody")).hasFace());
        Observation crop = p.observe(Frame.faceCrop(img, "crop", null));
        assertTrue(crop.hasFace());
        assertEquals(new Rectangle(0, 0, 64, 64), crop.cropRect());
    }

    @Test
    void squareCropStaysInsideTheFrame() {
        assertEquals(new Rectangle(0, 0, 28, 28), SquareCrop.of(new Box(0, 0, 20, 20), 100, 100, 0.2));
        assertEquals(new Rectangle(15, 0, 50, 50), SquareCrop.of(new Box(0, 0, 80, 50), 100, 50, 0.2)); // shrunk to the frame, centred
        assertEquals(new Rectangle(72, 72, 28, 28), SquareCrop.of(new Box(90, 90, 110, 110), 100, 100, 0.2));
    }

    @Test
    void mainFaceIsTheLargestAndAmongEqualsTheMostCentral() {
        List<Box> boxes = List.of(new Box(0, 0, 20, 20), new Box(40, 40, 60, 60), new Box(80, 80, 99, 99));
        assertEquals(Optional.of(1), MainFace.choose(boxes, 100, 100));
        assertEquals(Optional.of(0), MainFace.choose(List.of(new Box(0, 0, 30, 30), new Box(45, 45, 60, 60)), 100, 100));
        assertTrue(MainFace.choose(List.of(), 100, 100).isEmpty());
    }

    @Test
    void matchingIsOneToOneByHighestIou() {
        List<SceneBoxes.Face> faces = List.of(new SceneBoxes.Face("mask", new Box(0, 0, 10, 10)),
                new SceneBoxes.Face("no_mask", new Box(50, 50, 70, 70)));
        List<Detection> dets = List.of(new Detection(new Box(1, 1, 11, 11), 0.9),
                new Detection(new Box(0, 0, 10, 10), 0.8), new Detection(new Box(200, 200, 210, 210), 0.7));
        int[] m = DoorEvaluation.match(faces, dets);
        assertEquals(1, m[0]);
        assertEquals(-1, m[1]);
    }
}
