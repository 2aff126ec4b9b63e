package io.maskgate.trainer.data;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the datasets and the repository are: {@code $MASKGATE_DATA} if set, else {@code <repo>/../shared/datasets},
 * the repository being the nearest ancestor of the working directory that holds the {@code maskgate} launcher.
 */
public final class DataPaths {
    private DataPaths() {
    }

    public static Path repoRoot() {
        String home = System.getenv("MASKGATE_HOME");
        if (home != null && !home.isBlank()) {
            return Path.of(home).toAbsolutePath().normalize();
        }
        Path p = Path.of("").toAbsolutePath();
        while (p != null) {
            if (Files.isRegularFile(p.resolve("maskgate")) && Files.isRegularFile(p.resolve("pom.xml"))) {
                return p;
            }
            p = p.getParent();
        }
        return Path.of("").toAbsolutePath();
    }

    public static Path datasets() {
        String env = System.getenv("MASKGATE_DATA");
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        return repoRoot().resolve("../shared/datasets").normalize();
    }

    /**
     * A data folder's name as the records show it, its parent and itself ("ilc-2021/train"): the same on every
     * machine, so no record or card carries this machine's paths.
     */
    public static String setName(Path p) {
        Path abs = p.toAbsolutePath().normalize();
        return abs.getParent() == null ? abs.toString()
                : abs.getParent().getFileName() + "/" + abs.getFileName();
    }

    public static Path facemask(String split) {
        return datasets().resolve("facemask-12k").resolve(split);
    }

    public static Path observations() {
        return datasets().resolve("observations");
    }
}
