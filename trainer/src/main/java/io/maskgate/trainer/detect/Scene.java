package io.maskgate.trainer.detect;

import java.util.List;

/** One scene photo held in memory as interleaved RGB bytes, with its annotated faces in the photo's pixels. */
public record Scene(String file, int width, int height, byte[] rgb, List<SceneFace> faces) {

    /** The photo as interleaved RGB floats in 0..255. */
    public float[] rgbFloats() {
        float[] f = new float[rgb.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = rgb[i] & 0xff;
        }
        return f;
    }
}
