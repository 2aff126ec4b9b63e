package io.maskgate.agent.ota;

/**
 * Makes a model the one the unit runs (the device agent: a new TinymlClassifier swapped into its
 * {@link io.maskgate.agent.inference.ClassifierHolder}). Throws when the model cannot be loaded; the unit then keeps
 * the model it has. The self-test vectors then run on what it returns, so a unit proves the model it installed
 * rather than a second copy loaded for the test (as a camera does, and without preparing the model twice).
 */
@FunctionalInterface
public interface ModelInstaller {

    /**
     * The installed model.
     *
     * @param arenaBytes the tensor arena the loaded model needs, in bytes
     * @param selfTest   runs one raw input tensor through the installed model (the self-test vectors)
     */
    record Installed(int arenaBytes, SelfTestRunner.Loaded selfTest) {
    }

    Installed install(String version, byte[] model) throws Exception;
}
