package io.maskgate.verifier.model;

/** A float mask classifier: n crops of 32x32x3 values in [0, 1] -> n mask probabilities. */
public interface FloatNetwork extends AutoCloseable {

    float[] predict(float[] pixels, int n);

    @Override
    void close();
}
