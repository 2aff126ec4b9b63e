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
     * The first of: {@code --<name>-file FILE}, environment {@code envName}, {@code --<name> VALUE}.
     *
     * @return null when none is given
     */
    public static HmacKey key(Args args, String name, String envName) throws IOException {
        String file = args.get(name + "-file");
        String text = null;
        String from = null;
        if (file != null) {
            text = Files.readString(Path.of(file));
            from = "file " + file;
        } else if (System.getenv(envName) != null && !System.getenv(envName).isBlank()) {
            text = System.getenv(envName);
            from = "environment " + envName;
        } else if (args.get(name) != null) {
            text = args.get(name);
            from = "--" + name;
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
