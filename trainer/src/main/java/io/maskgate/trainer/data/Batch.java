package io.maskgate.trainer.data;

/** A batch of NHWC float pixels in [0,1] and 0/1 labels (1 = mask). */
public record Batch(int size, float[] pixels, float[] labels) {
}
