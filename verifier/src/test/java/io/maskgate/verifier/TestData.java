package io.maskgate.verifier;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Paths of the repository's models and the shared datasets, seen from the module folder. */
final class TestData {

    private TestData() {
    }

    static Path repo() {
        Path here = Path.of("").toAbsolutePath();
        return Files.isDirectory(here.resolve("models")) ? here : here.getParent();
    }

    static Path models() {
        return repo().resolve("models");
    }

    static Path data() {
        String env = System.getenv("MASKGATE_DATA");
        return env != null && !env.isBlank() ? Path.of(env) : repo().resolve("../shared/datasets").normalize();
    }

    /** The first n images (sorted by name) of a labelled folder. */
    static List<Path> images(Path dir, int n) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.toString().endsWith(".jpg")).sorted().limit(n).toList();
        }
    }
}
