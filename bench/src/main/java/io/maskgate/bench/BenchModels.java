package io.maskgate.bench;

import io.maskgate.tinyml.model.ModelFormatException;
import io.maskgate.tinyml.model.TfliteModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Locates the benchmark models relative to the repository (MASKGATE_HOME from the launcher, else cwd). */
final class BenchModels {
    private BenchModels() {
    }

    static Path repoRoot() {
        String home = System.getenv("MASKGATE_HOME");
        Path dir = home != null ? Path.of(home) : Path.of("").toAbsolutePath();
        return Files.exists(dir.resolve("maskgate")) ? dir : dir.getParent();
    }

    static Path singTownPath() {
        return repoRoot().resolve("../shared/models/external/singtown-mask/trained.tflite").normalize();
    }

    static TfliteModel singTown() throws IOException, ModelFormatException {
        return TfliteModel.read(singTownPath());
    }
}
