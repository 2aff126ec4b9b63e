package io.maskgate.service.model;

import java.util.List;

/**
 * What the validation gate found about one upload: each check with its verdict and a reason a person can act on,
 * the model's measured facts, and the accuracy comparison. Stored with the version and shown by the API.
 *
 * @param passed    true only when every check passed
 * @param checks    in the order run; a check that could not run (an earlier one failed) is absent
 * @param facts     null when the file does not parse
 * @param accuracy  null when the model could not be evaluated
 * @param agreement int8/float agreement on the accuracy's images; null when the gate stopped before it
 * @param selfTests the self-test vectors put in the manifest (empty when refused)
 */
public record GateReport(String version, String sha256, long sizeBytes, boolean passed, List<Check> checks,
                         Facts facts, Accuracy accuracy, Agreement agreement, List<String> selfTests,
                         long elapsedMs) {

    /** One check. */
    public record Check(String name, boolean passed, String detail) {
    }

    /** Measured from the graph (tinyml's ModelFacts). */
    public record Facts(List<String> ops, long params, long macs, int arenaBytes, double estimatedFps,
                        String input, String output) {
    }

    /**
     * Accuracy on the configured validation folders, and the deployed model's on the same images.
     *
     * @param percent          this model's accuracy in percent
     * @param baselineVersion  the deployed model compared against (null for the first model)
     * @param baselinePercent  its accuracy on the same images
     * @param minimumPercent   what this model needed (baseline minus margin)
     */
    public record Accuracy(int images, int correct, double percent, String baselineVersion, Double baselinePercent,
                           Double minimumPercent, List<String> folders) {
    }

    /**
     * How often the int8 model and the uploaded float model give the same label on the validation images (the
     * float model re-verifies the int8 one on the doors, so they must agree). Not measured, and not a refusal,
     * when no float model was uploaded or TensorFlow Java is not on the service's class path: {@code detail}
     * says which.
     *
     * @param measured       true when the float model ran on every image
     * @param images         images compared (those of {@link Accuracy})
     * @param agreed         images where both gave the same label
     * @param percent        agreed / images in percent (null when not measured)
     * @param minimumPercent what the gate requires ({@code maskgate.ota.gate.min-agreement-percent})
     */
    public record Agreement(boolean measured, int images, int agreed, Double percent, double minimumPercent,
                            String detail) {
    }

    /** The first failed check's reason, for a one-line answer. */
    public String refusal() {
        return checks.stream().filter(c -> !c.passed()).map(c -> c.name() + ": " + c.detail()).findFirst()
                .orElse(null);
    }
}
