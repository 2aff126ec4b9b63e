package io.maskgate.agent;

import io.maskgate.agent.frames.Frame;
import io.maskgate.agent.frames.FrameSource;
import io.maskgate.agent.inference.Classifier;
import io.maskgate.agent.door.DoorPipeline;
import io.maskgate.agent.door.Observation;
import io.maskgate.agent.door.SquareCrop;
import io.maskgate.agent.mqtt.DecisionSink;
import io.maskgate.agent.smoothing.Pacer;
import io.maskgate.agent.smoothing.Smoother;
import io.maskgate.protocol.Decision;
import io.maskgate.protocol.FrameUpload;
import io.maskgate.tinyml.image.ImagePreprocessor;
import io.maskgate.protocol.HmacKey;
import io.maskgate.protocol.MessageCodec;
import io.maskgate.protocol.Signer;
import io.maskgate.protocol.Topics;
import io.maskgate.protocol.UnitStatus;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Clock;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import javax.imageio.ImageIO;

/**
 * A door unit, one frame per {@link #step()}: frame -> {@link DoorPipeline} (find the face when the frame is a
 * whole scene, square crop with margin, score) -> N-of-M
 * smoothing -> signed Decision (seq, capture time) to the sink; crops whose score is in the uncertainty band are
 * also uploaded as a signed FrameUpload. The unit only reports: it never acts on its own decision.
 * Not thread-safe; drive it from one thread.
 */
public final class DoorUnit {

    private final UnitSettings settings;
    private final FrameSource frames;
    private final Classifier classifier;
    private final DoorPipeline pipeline;
    private final DecisionSink sink;
    private final HmacKey key;
    private final Clock clock;
    private final MessageCodec codec = new MessageCodec();
    private final Smoother smoother;
    private final Pacer pacer;
    private final AtomicLong seq;
    private long framesSeen;
    private long decisions;
    private long lastStatusAt = Long.MIN_VALUE;
    private long fpsWindowStart;
    private long fpsWindowFrames;
    private double fps;
    private double inferenceMs;

    /**
     * @param firstSeq first sequence number; {@link #firstSeqFor(Clock)} gives one that stays above every seq of an
     *                 earlier run without storing state
     */
    public DoorUnit(UnitSettings settings, FrameSource frames, Classifier classifier, DecisionSink sink, HmacKey key,
                    Clock clock, long firstSeq) {
        this(settings, frames, new DoorPipeline(null, classifier, SquareCrop.DEFAULT_MARGIN), sink, key, clock,
                firstSeq);
    }

    /** A unit running the whole door pipeline (with a face finder when its frames are whole scenes). */
    public DoorUnit(UnitSettings settings, FrameSource frames, DoorPipeline pipeline, DecisionSink sink, HmacKey key,
                    Clock clock, long firstSeq) {
        this.settings = settings;
        this.frames = frames;
        this.pipeline = pipeline;
        this.classifier = pipeline.classifier();
        this.sink = sink;
        this.key = key;
        this.clock = clock;
        this.smoother = new Smoother(settings.n(), settings.m(), settings.threshold());
        this.pacer = new Pacer(settings.repeatMs());
        this.seq = new AtomicLong(firstSeq - 1);
        this.fpsWindowStart = clock.millis();
    }

    /**
     * Current epoch milliseconds: a unit publishes far fewer than 1000 decisions per second, so numbering from the
     * start time stays above everything an earlier run of the same unit used, with no state file.
     */
    public static long firstSeqFor(Clock clock) {
        return Math.max(1, clock.millis());
    }

    /** Processes one frame; returns the decision published for it, if any. */
    public Optional<Decision> step() throws IOException {
        Frame frame = frames.next();
        long capturedAt = clock.millis();
        framesSeen++;
        updateFps(capturedAt);
        Optional<Decision> published = Optional.empty();
        long t0 = System.nanoTime();
        Observation seen = pipeline.observe(frame);
        if (!seen.hasFace()) {
            smoother.reset();
            pacer.reset();
        } else {
            BufferedImage crop = seen.crop();
            int score = seen.score();
            double ms = (System.nanoTime() - t0) / 1e6;
            inferenceMs = inferenceMs == 0 ? ms : 0.9 * inferenceMs + 0.1 * ms;
            Optional<Smoother.Smoothed> smoothed = smoother.update(score);
            if (smoothed.isPresent() && pacer.shouldPublish(smoothed.get().label(), capturedAt)) {
                Decision d = Signer.sign(Decision.unsigned(settings.unitId(), settings.doorId(), seq.incrementAndGet(),
                        capturedAt, smoothed.get().label(), smoothed.get().score(), classifier.modelVersion()), key);
                sink.publish(Topics.decision(settings.unitId()), codec.encode(d));
                decisions++;
                published = Optional.of(d);
                // uncertain: the crop goes right behind its decision (same connection, QoS 1: in order), so a door
                // in ENFORCE_VERIFIED mode gets it while it waits; it carries the decision's seq and score
                if (d.score() >= settings.bandLow() && d.score() <= settings.bandHigh()) {
                    uploadCrop(d, crop);
                }
            }
        }
        if (lastStatusAt == Long.MIN_VALUE || capturedAt - lastStatusAt >= settings.statusEveryMs()) {
            lastStatusAt = capturedAt;
            sink.status(statusPayload(true));
        }
        return published;
    }

    /** Encoded status; the offline variant is the MQTT last will. */
    public byte[] statusPayload(boolean online) {
        return codec.encode(UnitStatus.of(settings.unitId(), online, classifier.modelVersion(), round(fps),
                round(inferenceMs), sink.queueDepth(), Math.max(0, clock.millis())));
    }

    /** Only the model-sized 32x32 crop leaves the unit (PNG: lossless), never the camera frame. */
    private void uploadCrop(Decision d, BufferedImage crop) {
        try {
            ByteArrayOutputStream png = new ByteArrayOutputStream();
            ImageIO.write(ImagePreprocessor.resizeTo(crop, 32, 32), "png", png);
            FrameUpload upload = Signer.sign(FrameUpload.unsigned(d.unitId(), d.doorId(), d.seq(), d.capturedAt(),
                    Base64.getEncoder().encodeToString(png.toByteArray()), d.score()), key);
            sink.publish(Topics.frame(d.unitId()), codec.encode(upload));
        } catch (IOException | IllegalArgumentException e) {
            System.err.println("agent " + settings.unitId() + ": frame upload skipped: " + e.getMessage());
        }
    }

    private void updateFps(long now) {
        fpsWindowFrames++;
        long elapsed = now - fpsWindowStart;
        if (elapsed >= 1000) {
            fps = fpsWindowFrames * 1000.0 / elapsed;
            fpsWindowStart = now;
            fpsWindowFrames = 0;
        }
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }

    public long framesSeen() {
        return framesSeen;
    }

    public long decisions() {
        return decisions;
    }

    public double fps() {
        return fps;
    }

    public double inferenceMs() {
        return inferenceMs;
    }

    public UnitSettings settings() {
        return settings;
    }
}
