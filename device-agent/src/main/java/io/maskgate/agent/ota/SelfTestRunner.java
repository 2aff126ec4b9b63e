package io.maskgate.agent.ota;

import io.maskgate.tinyml.interpreter.Interpreter;
import io.maskgate.tinyml.model.TfliteModel;

/** Runs a model on one input tensor, the way the unit runs it (tinyml, TFLite Micro arithmetic). */
@FunctionalInterface
public interface SelfTestRunner {

    byte[] run(byte[] model, byte[] input) throws Exception;

    /** The real one: a fresh tinyml interpreter with the unit's arithmetic. */
    static SelfTestRunner tinyml() {
        return (model, input) -> new Interpreter(TfliteModel.read(model)).invoke(input);
    }
}
