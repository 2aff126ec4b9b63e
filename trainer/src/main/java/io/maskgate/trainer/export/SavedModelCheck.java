package io.maskgate.trainer.export;

import io.maskgate.trainer.model.Network;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code SavedModelCheck SAVED_MODEL_DIR PIXELS.f32}: loads the SavedModel with {@code SavedModelBundle.load}
 * in this (fresh) JVM, runs the serving signature on raw little-endian float32 NHWC 32x32x3 images and prints one
 * probability per line. Used to prove the export is self-contained, independent of the training process.
 */
public final class SavedModelCheck {
    private SavedModelCheck() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: SavedModelCheck SAVED_MODEL_DIR PIXELS.f32");
            System.exit(2);
        }
        byte[] raw = Files.readAllBytes(Path.of(args[1]));
        int per = Network.INPUT * Network.INPUT * Network.CHANNELS;
        float[] pixels = new float[raw.length / 4];
        ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(pixels);
        try (FloatModel m = FloatModel.load(Path.of(args[0]))) {
            for (float p : m.predict(pixels, pixels.length / per)) {
                System.out.println(Float.toString(p));
            }
        }
    }
}
