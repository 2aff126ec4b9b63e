package io.maskgate.agent;

import io.maskgate.protocol.HmacKey;
import io.maskgate.protocol.Keys;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads keys from a file, an environment variable or (discouraged: visible in `ps`) the command line. */
public final class Secrets {

    private Secrets() {
    }

    /**
     * The first of: {@code --<option>-file FILE}, environment {@code envName}, {@code --<option> VALUE}.
     *
     * @param file   the value of {@code --<option>-file}, or null
     * @param inline the value of {@code --<option>}, or null
     * @return null when none is given
     */
    public static HmacKey key(Path file, String envName, String inline, String option) throws IOException {
        String text = null;
        String from = null;
        if (file != null) {
            text = Files.readString(file);
            from = "file " + file;
        } else if (System.getenv(envName) != null && !System.getenv(envName).isBlank()) {
            text = System.getenv(envName);
            from = "environment " + envName;
        } else if (inline != null) {
            text = inline;
            from = "--" + option;
        }
        if (text == null) {
            return null;
        }
        try {
            return Keys.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("key from " + from + " is invalid: " + e.getMessage());
        }
    }
}
