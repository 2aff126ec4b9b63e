package io.maskgate.trainer.data;

/** One decoded image kept in memory as interleaved RGB bytes (row-major), with its label and file name. */
public record SourceImage(String name, Label label, int width, int height, byte[] rgb) {

    /** Channel value at (x, y, c) in [0, 1]. */
    public float value(int x, int y, int c) {
        return (rgb[(y * width + x) * 3 + c] & 0xFF) / 255f;
    }
}
