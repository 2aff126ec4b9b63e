package io.maskgate.agent.ota;

/**
 * Makes a model the one the unit runs (the device agent: a new TinymlClassifier swapped into its
 * {@link io.maskgate.agent.inference.ClassifierHolder}). Throws when the model cannot be loaded; the unit then keeps
 * the model it has.
 */
@FunctionalInterface
public interface ModelInstaller {

    /** @return the tensor arena the loaded model needs, in bytes */
    int install(String version, byte[] model) throws Exception;
}
