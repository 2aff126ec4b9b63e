package io.maskgate.verifier.model;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where the float model of a model version lives: {@code <models>/<modelVersion>/saved_model}, the layout of the
 * repository's {@code models/} folder (e.g. {@code models/maskgate-tiny-v1/saved_model}). A version is a folder
 * name, never a path: anything but letters, digits, '.', '_' and '-' is unknown.
 */
public final class ModelCatalog {

    private static final Pattern VERSION = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    private final Path root;

    public ModelCatalog(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    public Path root() {
        return root;
    }

    /** The SavedModel folder of a version, when the version is well-formed and its folder exists. */
    public Optional<Path> savedModel(String modelVersion) {
        if (modelVersion == null || !VERSION.matcher(modelVersion).matches() || modelVersion.contains("..")) {
            return Optional.empty();
        }
        Path dir = root.resolve(modelVersion).resolve("saved_model");
        return Files.isRegularFile(dir.resolve("saved_model.pb")) ? Optional.of(dir) : Optional.empty();
    }
}
