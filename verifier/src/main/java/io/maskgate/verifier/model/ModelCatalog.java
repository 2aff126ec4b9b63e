package io.maskgate.verifier.model;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Where the float model of a model version lives: {@code <models>/<modelVersion>/saved_model}, the layout of the
 * repository's {@code models/} folder (e.g. {@code models/maskgate-tiny-v1/saved_model}). A version is a folder
 * name, never a path: anything but letters, digits, '.', '_' and '-' is unknown.
 *
 * <p>A first source may be plugged in (the service's model registry, which holds each version's float model as a
 * zip): it is asked first and the folder is the fallback, so this module stays free of the service's storage.
 */
public final class ModelCatalog {

    private static final Pattern VERSION = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    private final Path root;
    private final Function<String, Optional<Path>> first;

    public ModelCatalog(Path root) {
        this(root, version -> Optional.empty());
    }

    /**
     * @param first asked first with a well-formed version: the SavedModel folder it provides, or empty to fall back
     *              to the folder; it may throw {@link ModelLoadException} (its float model exists but is unusable)
     */
    public ModelCatalog(Path root, Function<String, Optional<Path>> first) {
        this.root = root.toAbsolutePath().normalize();
        this.first = first;
    }

    public Path root() {
        return root;
    }

    /**
     * The SavedModel folder of a version, when the version is well-formed and the first source or the folder has it.
     *
     * @throws ModelLoadException when the first source has the version's float model but cannot provide it
     */
    public Optional<Path> savedModel(String modelVersion) {
        if (modelVersion == null || !VERSION.matcher(modelVersion).matches() || modelVersion.contains("..")) {
            return Optional.empty();
        }
        Optional<Path> provided = first.apply(modelVersion);
        if (provided.isPresent()) {
            return provided;
        }
        Path dir = root.resolve(modelVersion).resolve("saved_model");
        return Files.isRegularFile(dir.resolve("saved_model.pb")) ? Optional.of(dir) : Optional.empty();
    }
}
