package io.maskgate.agent.inference;

import io.maskgate.agent.frames.Frame;
import io.maskgate.protocol.Label;
import java.awt.image.BufferedImage;

/**
 * SIMULATION ONLY, for load tests and demos without a model file: returns a fixed high score for frames whose
 * ground truth is MASK and a low one for NO_MASK. It reads the label the frame source attached, so it measures
 * the pipeline (signing, MQTT, service, actuator), never the model. Its model version says so
 * ({@code simulated-labels}), and the agent logs a warning when it is used.
 */
public final class FolderLabelClassifier implements Classifier {

    /**
     * A masked frame's simulated score: 996 per mille is the highest an int8 sigmoid output (scale 1/256) can
     * give, so it clears every calibrated door threshold, including the service's default (935, v2's).
     */
    public static final int SIMULATED_MASK_SCORE = 996;

    @Override
    public int score(Frame frame, BufferedImage faceCrop) {
        Label truth = frame.truth();
        if (truth == null) {
            return 500; // unknown: the middle of the uncertainty band, never a confident MASK
        }
        return truth == Label.MASK ? SIMULATED_MASK_SCORE : 50;
    }

    @Override
    public String modelVersion() {
        return "simulated-labels";
    }
}
