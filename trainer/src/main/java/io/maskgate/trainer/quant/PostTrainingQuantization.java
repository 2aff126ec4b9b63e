package io.maskgate.trainer.quant;

import io.maskgate.tinyml.model.TfliteModel;
import io.maskgate.tinyml.writer.TfliteWriter;
import io.maskgate.trainer.data.ImageSet;
import io.maskgate.trainer.data.SourceImage;
import io.maskgate.trainer.export.FloatModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * The trainer side of int8 export: draw a seeded representative set from the training images, calibrate on the
 * SavedModel, quantise and write the .tflite with tinyml's writer, then read it back through tinyml's reader.
 */
public final class PostTrainingQuantization {
    private PostTrainingQuantization() {
    }

    public record Result(TfliteModel model, Path file, long bytes, int calibrationImages) {
    }

    public static Result run(FloatModel floatModel, ImageSet train, int calibration, long seed, Path out)
            throws IOException {
        List<SourceImage> pool = new ArrayList<>(train.images());
        Collections.shuffle(pool, new Random(seed));
        List<SourceImage> representative = pool.subList(0, Math.min(calibration, pool.size()));
        ActivationRanges ranges = ActivationRanges.calibrate(floatModel, representative);
        TfliteModel model = Int8Quantizer.quantize(floatModel.network(), floatModel.weights(), ranges);
        Path parent = out.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        TfliteWriter.write(model, out);
        TfliteModel back = Int8Model.load(out).model();
        if (!back.sameGraph(model)) {
            throw new IllegalStateException("written model does not read back identically: " + out);
        }
        return new Result(back, out, Files.size(out), representative.size());
    }
}
