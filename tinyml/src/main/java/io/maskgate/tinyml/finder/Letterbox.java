package io.maskgate.tinyml.finder;

/**
 * How a WxH frame sits in the finder's square input: scaled so its long side fills {@code size}, rounded to
 * whole pixels, centred, the rest padded with mid-grey. The trainer renders its samples with the same
 * geometry, and the decoder maps boxes back through {@link #toFrame(Box)}.
 */
public record Letterbox(int frameWidth, int frameHeight, int size, int scaledWidth, int scaledHeight, int offsetX,
                        int offsetY) {
    /** Pad value (0..255) of the area outside the scaled frame. */
    public static final float PAD = 128f;

    public static Letterbox of(int frameWidth, int frameHeight, int size) {
        if (frameWidth <= 0 || frameHeight <= 0) {
            throw new IllegalArgumentException("empty frame " + frameWidth + "x" + frameHeight);
        }
        double s = (double) size / Math.max(frameWidth, frameHeight);
        int w = Math.max(1, Math.min(size, (int) Math.round(frameWidth * s)));
        int h = Math.max(1, Math.min(size, (int) Math.round(frameHeight * s)));
        return new Letterbox(frameWidth, frameHeight, size, w, h, (size - w) / 2, (size - h) / 2);
    }

    public double scaleX() {
        return (double) scaledWidth / frameWidth;
    }

    public double scaleY() {
        return (double) scaledHeight / frameHeight;
    }

    /** A box in the square input's pixels mapped into the frame's pixels, clipped to the frame. */
    public Box toFrame(Box b) {
        return new Box((b.x0() - offsetX) / scaleX(), (b.y0() - offsetY) / scaleY(), (b.x1() - offsetX) / scaleX(),
                (b.y1() - offsetY) / scaleY()).clipped(frameWidth, frameHeight);
    }

    /** A box in the frame's pixels mapped into the square input's pixels. */
    public Box toInput(Box b) {
        return new Box(b.x0() * scaleX() + offsetX, b.y0() * scaleY() + offsetY, b.x1() * scaleX() + offsetX,
                b.y1() * scaleY() + offsetY);
    }

    /**
     * Renders interleaved RGB (0..255 floats, frameWidth x frameHeight) into the size x size input, with
     * tinyml's device resize (area average when shrinking, bilinear when enlarging).
     */
    public float[] render(float[] rgb) {
        float[] scaled = io.maskgate.tinyml.image.ImagePreprocessor.resize(rgb, frameWidth, frameHeight, scaledWidth, scaledHeight);
        float[] out = new float[size * size * 3];
        java.util.Arrays.fill(out, PAD);
        for (int y = 0; y < scaledHeight; y++) {
            System.arraycopy(scaled, y * scaledWidth * 3, out, ((y + offsetY) * size + offsetX) * 3,
                    scaledWidth * 3);
        }
        return out;
    }
}
