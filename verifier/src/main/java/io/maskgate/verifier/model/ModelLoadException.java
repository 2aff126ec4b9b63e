package io.maskgate.verifier.model;

/** A float model that cannot be found or loaded; the message names the folder and why. */
public class ModelLoadException extends RuntimeException {

    public ModelLoadException(String message) {
        super(message);
    }

    public ModelLoadException(String message, Throwable cause) {
        super(message, cause);
    }
}
