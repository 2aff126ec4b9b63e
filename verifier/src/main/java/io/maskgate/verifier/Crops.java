package io.maskgate.verifier;

import io.maskgate.tinyml.image.ImagePreprocessor;
import java.awt.image.BufferedImage;
import java.io.IOException;

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

    /** Decodes the crop; refuses anything that is not an image or not 32x32. */
    public static BufferedImage decode(byte[] image) throws BadCropException {
        BufferedImage img;
        try {
            img = ImagePreprocessor.decode(image, "crop (" + image.length + " bytes)");
        } catch (IOException e) {
            throw new BadCropException(e.getMessage(), false);
        }
        if (img.getWidth() != SIZE || img.getHeight() != SIZE) {
            throw new BadCropException("crop is " + img.getWidth() + "x" + img.getHeight() + ", expected 32x32", true);
        }
        return img;
    }

    /** The float model's input for a crop: 32x32x3 values pixel / 255. */
    public static float[] pixels(byte[] image) throws BadCropException {
        return ImagePreprocessor.floatPixels(decode(image), SIZE, SIZE);
    }
}
