package io.maskgate.tinyml.model;

/**
 * A model file or graph that this runtime cannot accept. Checked, because every caller that loads a model from
 * outside (CLI, device agent, service rollout) must decide what a bad model means for it; the message names the
 * problem (which table, tensor or op) so an operator can act on it.
 */
public class ModelFormatException extends Exception {
    public ModelFormatException(String message) {
        super(message);
    }

    public ModelFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
