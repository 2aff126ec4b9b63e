package io.maskgate.agent.inference;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Finds the model a unit runs when none is given: the project's newest shipped model
 * ({@code models/maskgate-tiny-v2/model.tflite}, then {@code models/maskgate-tiny-v1/model.tflite}; single sigmoid
 * output), else the external OpenMV model next to the
 * datasets ({@code ../shared/models/external/singtown-mask/trained.tflite}, outputs face/mask, mask index 1).
 */
public final class ModelLocator {

    /** A model file with its version label and mask output index. */
    public record Located(Path file, String version, int maskIndex) {
    }

    /** Shipped models, newest first (v1 stays in the repository as the first OTA rollout's source). */
    static final java.util.List<String> SHIPPED = java.util.List.of("maskgate-tiny-v2", "maskgate-tiny-v1");

    private ModelLocator() {
    }

    public static Optional<Located> find(Path home, Path data) {
        for (String version : SHIPPED) {
            Path shipped = home.resolve("models").resolve(version).resolve("model.tflite");
            if (Files.isRegularFile(shipped)) {
                return Optional.of(new Located(shipped, version, 1));
            }
        }
        if (data != null) {
            Path external = data.resolveSibling("models").resolve("external/singtown-mask/trained.tflite");
            if (Files.isRegularFile(external)) {
                return Optional.of(new Located(external, "singtown-mask", 1));
            }
        }
        return Optional.empty();
    }

    /** MASKGATE_HOME (set by ./maskgate) or the working directory. */
    public static Path home() {
        String home = System.getenv("MASKGATE_HOME");
        return Path.of(home == null || home.isBlank() ? "." : home).toAbsolutePath().normalize();
    }

    /** MASKGATE_DATA or ../shared/datasets next to the checkout. */
    public static Path data() {
        String data = System.getenv("MASKGATE_DATA");
        return (data == null || data.isBlank() ? home().resolve("../shared/datasets") : Path.of(data))
                .toAbsolutePath().normalize();
    }
}
