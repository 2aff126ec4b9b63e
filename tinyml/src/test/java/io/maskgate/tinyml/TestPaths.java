package io.maskgate.tinyml;

import java.nio.file.Files;
import java.nio.file.Path;

/** Resolves shared files relative to the repository (never absolute machine paths). */
public final class TestPaths {
    private TestPaths() {
    }

    /** Repository root: the parent of the module directory Maven runs tests in. */
    public static Path repoRoot() {
        Path dir = Path.of("").toAbsolutePath();
        return Files.exists(dir.resolve("mvnw")) ? dir : dir.getParent();
    }

    public static Path shared() {
        return repoRoot().resolve("../shared").normalize();
    }

    public static Path datasets() {
        String env = System.getenv("MASKGATE_DATA");
        return env != null && !env.isBlank() ? Path.of(env) : shared().resolve("datasets");
    }

    public static Path singTownModel() {
        return shared().resolve("models/external/singtown-mask/trained.tflite");
    }
}
