package io.maskgate.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.maskgate.agent.door.DoorPipeline;
import io.maskgate.agent.door.SquareCrop;
import io.maskgate.agent.frames.Frame;
import io.maskgate.agent.inference.Classifier;
import io.maskgate.agent.mqtt.DecisionSink;
import io.maskgate.protocol.Decision;
import io.maskgate.protocol.FrameUpload;
import io.maskgate.protocol.HmacKey;
import io.maskgate.protocol.Keys;
import io.maskgate.protocol.Label;
import io.maskgate.protocol.MessageCodec;
import io.maskgate.protocol.Signer;
import io.maskgate.protocol.Topics;
import io.maskgate.protocol.UnitStatus;
import io.maskgate.tinyml.finder.Box;
import io.maskgate.tinyml.finder.Detection;
import io.maskgate.tinyml.finder.FaceFinder;
import java.awt.image.BufferedImage;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;

class DoorUnitTest {

    private final HmacKey key = Keys.generate();
    private final MessageCodec codec = new MessageCodec();
    private final Clock clock = Clock.fixed(Instant.ofEpochMilli(1_764_070_000_000L), ZoneOffset.UTC);
    private final BufferedImage face = new BufferedImage(64, 48, BufferedImage.TYPE_INT_RGB);

    record Sent(String topic, byte[] payload) {
    }

    static final class RecordingSink implements DecisionSink {
        final List<Sent> sent = new ArrayList<>();
        byte[] status;

        @Override
        public void publish(String topic, byte[] payload) {
            sent.add(new Sent(topic, payload));
        }

        @Override
        public void status(byte[] payload) {
            status = payload;
        }

        @Override
        public int queueDepth() {
            return sent.size();
        }
    }

    /** Scores from a script, so the test controls exactly what the smoother sees. */
    record Scripted(Iterator<Integer> scores) implements Classifier {
        @Override
        public int score(Frame frame, BufferedImage crop) {
            assertEquals(crop.getWidth(), crop.getHeight(), "the classifier gets the centred square crop");
            return scores.next();
        }

        @Override
        public String modelVersion() {
            return "scripted-v1";
        }
    }

    @Test
    void publishesSignedSmoothedDecisionsWithIncreasingSeqAndCaptureTime() throws Exception {
        RecordingSink sink = new RecordingSink();
        List<Integer> scores = List.of(900, 920, 100, 940, 80, 90, 60);
        Iterator<Frame> frames = List.of(f(), f(), f(), f(), Frame.empty("nobody"), f(), f(), f()).iterator();
        UnitSettings settings = new UnitSettings("unit-1", "door-1", 2, 3, 500, 0, 1, 0, 60_000);
        DoorUnit unit = new DoorUnit(settings, frames::next, new Scripted(scores.iterator()), sink, key, clock, 100);
        for (int i = 0; i < 8; i++) {
            unit.step();
        }
        List<Decision> decisions = new ArrayList<>();
        for (Sent s : sink.sent) {
            assertEquals(Topics.decision("unit-1"), s.topic());
            decisions.add(codec.decodeDecision(s.payload()));
        }
        // frames: 900,920 -> MASK(910); 100 -> MASK still 2 of 3 (910); 940 -> MASK(920 of 920,940)...
        assertEquals(List.of(Label.MASK, Label.MASK, Label.MASK, Label.NO_MASK, Label.NO_MASK),
                decisions.stream().map(Decision::label).toList());
        assertEquals(910, decisions.get(0).score());
        assertEquals(List.of(100L, 101L, 102L, 103L, 104L), decisions.stream().map(Decision::seq).toList());
        for (Decision d : decisions) {
            assertTrue(Signer.verify(d, key));
            assertEquals(clock.millis(), d.capturedAt());
            assertEquals("scripted-v1", d.modelVersion());
        }
        UnitStatus status = codec.decodeStatus(sink.status);
        assertTrue(status.online());
        assertFalse(codec.decodeStatus(unit.statusPayload(false)).online());
    }

    @Test
    void uncertainScoresAlsoUploadTheSignedCrop() throws Exception {
        RecordingSink sink = new RecordingSink();
        UnitSettings settings = new UnitSettings("unit-1", "door-1", 1, 1, 500, 0, 400, 600, 60_000);
        DoorUnit unit = new DoorUnit(settings, this::f, new Scripted(List.of(550, 950).iterator()), sink, key, clock, 1);
        unit.step();
        unit.step();
        assertEquals(List.of(Topics.decision("unit-1"), Topics.frame("unit-1"), Topics.decision("unit-1")),
                sink.sent.stream().map(Sent::topic).toList());
        FrameUpload upload = codec.decodeFrame(sink.sent.get(1).payload());
        assertTrue(Signer.verify(upload, key));
        assertEquals(1, upload.seq());
        assertEquals(550, upload.score());
        Decision d = codec.decodeDecision(sink.sent.get(0).payload());
        assertEquals(d.score(), upload.score(), "the crop carries its decision's score");
        java.awt.image.BufferedImage crop = javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(
                java.util.Base64.getDecoder().decode(upload.jpegBase64())));
        assertEquals(32, crop.getWidth(), "only the 32x32 crop leaves the unit");
        assertEquals(32, crop.getHeight());
    }

    @Test
    void sceneFramesGoThroughTheFinderAndAFrameWithoutAFaceResetsTheWindow() throws Exception {
        RecordingSink sink = new RecordingSink();
        BufferedImage scene = new BufferedImage(320, 240, BufferedImage.TYPE_INT_RGB);
        // the finder sees a face in frames 1, 2, 4, 5 and nobody in frame 3
        Iterator<List<Detection>> found = List.of(List.of(new Detection(new Box(100, 60, 140, 110), 0.9)),
                List.of(new Detection(new Box(100, 60, 140, 110), 0.9)), List.<Detection>of(),
                List.of(new Detection(new Box(10, 10, 30, 30), 0.8), new Detection(new Box(150, 50, 210, 130), 0.7)),
                List.of(new Detection(new Box(150, 50, 210, 130), 0.7))).iterator();
        FaceFinder finder = new FaceFinder() {
            @Override
            public List<Detection> find(float[] rgb, int width, int height) {
                assertEquals(320 * 240 * 3, rgb.length);
                return found.next();
            }

            @Override
            public String name() {
                return "scripted-finder";
            }
        };
        List<Integer> sides = new ArrayList<>();
        Classifier sized = new Classifier() {
            @Override
            public int score(Frame frame, BufferedImage crop) {
                assertEquals(crop.getWidth(), crop.getHeight());
                sides.add(crop.getWidth());
                return 900;
            }

            @Override
            public String modelVersion() {
                return "sized";
            }
        };
        UnitSettings settings = new UnitSettings("unit-1", "door-1", 2, 3, 500, 0, 1, 0, 60_000);
        DoorUnit unit = new DoorUnit(settings, () -> Frame.scene(scene, "scene.jpg"),
                new DoorPipeline(finder, sized, SquareCrop.DEFAULT_MARGIN), sink, key, clock, 1);
        List<Boolean> published = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            published.add(unit.step().isPresent());
        }
        // 2 of 3: the second face frame decides; the empty frame resets, so frame 4 alone cannot, frame 5 can
        assertEquals(List.of(false, true, false, false, true), published);
        // crops: 50 * 1.4 = 70 for the first face; the larger second face (60x80) -> 80 * 1.4 = 112
        assertEquals(List.of(70, 70, 112, 112), sides);
    }

    private Frame f() {
        return Frame.faceCrop(face, "face.png", null);
    }
}
