package io.maskgate.verifier;

import io.maskgate.tinyml.image.ImagePreprocessor;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * A unit's face crop (the 32x32 image its int8 model classified, as JPEG or PNG bytes) to the float model's
 * input. The crop must already be 32x32: the unit resized it, and resizing again here would classify a
 * different picture. Values come from tinyml's {@link ImagePreprocessor}, the code that fed the unit's model.
 */
public final class Crops {

    public static final int SIZE = 32;

    private Crops() {
    }

    /** Why a crop cannot be verified. */
    public static final class BadCropException extends Exception {
        private final boolean wrongSize;

        BadCropException(String message, boolean wrongSize) {
            super(message);
            this.wrongSize = wrongSize;
        }

        /** True when the image decoded but is not 32x32 (otherwise it did not decode). */
        public boolean wrongSize() {
            return wrongSize;
        }
    }

    /**
     * Decodes the crop; refuses anything that is not an image or not 32x32. The size is read from the image
     * header before any pixel is decoded, so a small payload announcing a huge image costs nothing.
     */
    public static BufferedImage decode(byte[] image) throws BadCropException {
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(image))) {
            Iterator<ImageReader> readers = in == null ? null : ImageIO.getImageReaders(in);
            if (readers == null || !readers.hasNext()) {
                throw new BadCropException("crop (" + image.length + " bytes) is not a JPEG, PNG, BMP or GIF image",
                        false);
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                int w = reader.getWidth(0);
                int h = reader.getHeight(0);
                if (w != SIZE || h != SIZE) {
                    throw new BadCropException("crop is " + w + "x" + h + ", expected 32x32", true);
                }
                BufferedImage img = reader.read(0);
                if (img == null || img.getWidth() != SIZE || img.getHeight() != SIZE) {
                    throw new BadCropException("crop did not decode to 32x32", false);
                }
                return img;
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            throw new BadCropException("cannot decode crop (" + image.length + " bytes): " + e.getMessage(), false);
        }
    }

    /** The float model's input for a crop: 32x32x3 values pixel / 255. */
    public static float[] pixels(byte[] image) throws BadCropException {
        return ImagePreprocessor.floatPixels(decode(image), SIZE, SIZE);
    }
}
