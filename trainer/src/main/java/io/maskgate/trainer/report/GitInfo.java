package io.maskgate.trainer.report;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** The repository's current commit, recorded in the model card ("unknown" outside a git checkout). */
public final class GitInfo {
    private GitInfo() {
    }

    public static String head(Path anyPathInRepo) {
        try {
            Process p = new ProcessBuilder("git", "rev-parse", "HEAD").directory(anyPathInRepo.toFile())
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            return p.waitFor() == 0 && out.matches("[0-9a-f]{40}") ? out : "unknown";
        } catch (Exception e) {
            return "unknown";
        }
    }
}
