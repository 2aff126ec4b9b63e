package io.maskgate.agent.ota;

import io.maskgate.tinyml.interpreter.Interpreter;
import io.maskgate.tinyml.model.TfliteModel;

/**
 * Loads a model the way the unit runs it (tinyml, TFLite Micro arithmetic) and runs self-test inputs on it. Loading
 * once and running every vector on the loaded model is what a camera does, and it keeps a simulated fleet's CPU for
 * the vectors themselves rather than for preparing the same model again per vector.
 */
@FunctionalInterface
public interface SelfTestRunner {

    /** A loaded model: one input tensor in, one output tensor out. */
    @FunctionalInterface
    interface Loaded {
        byte[] run(byte[] input) throws Exception;
    }

    Loaded load(byte[] model) throws Exception;

    /** The real one: one tinyml interpreter with the unit's arithmetic, reused for every vector. */
    static SelfTestRunner tinyml() {
        return model -> new Interpreter(TfliteModel.read(model))::invoke;
    }

    /** An installer for a unit with no frames to classify: the interpreter it loads is the one self-tested. */
    static ModelInstaller tinymlInstaller() {
        return (version, model) -> {
            Interpreter interpreter = new Interpreter(TfliteModel.read(model));
            return new ModelInstaller.Installed(interpreter.arenaBytes(), interpreter::invoke);
        };
    }
}
