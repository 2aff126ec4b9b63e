package io.maskgate.agent.door;

import io.maskgate.tinyml.finder.FaceFinder;
import io.maskgate.tinyml.finder.FinderDecoder;
import io.maskgate.tinyml.finder.HaarCascade;
import io.maskgate.tinyml.finder.HaarFinder;
import io.maskgate.tinyml.finder.NetFinder;
import io.maskgate.tinyml.model.ModelFormatException;
import io.maskgate.tinyml.model.TfliteModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Opens a finder by name: {@code haar} (OpenCV's frontal-face cascade from Debian's opencv-data, or
 * {@code cascade}), or an int8 finder {@code .tflite}.
 */
public final class FinderLoader {
    public static final Path DEFAULT_CASCADE =
            Path.of("/usr/share/opencv4/haarcascades/haarcascade_frontalface_default.xml");

    private FinderLoader() {
    }

    /**
     * The decoder threshold a finder was chosen with: {@code decoderThreshold} of the {@code model-card.json}
     * beside the model (finder v3: the lowest threshold within 0.2 false detections per val photo), else
     * {@link FinderDecoder#DEFAULT_THRESHOLD} (0.7, finders v1 and v2).
     */
    public static double cardThreshold(Path model) throws IOException {
        var field = ModelCardField.read(model, "decoderThreshold");
        if (field.isEmpty()) {
            return FinderDecoder.DEFAULT_THRESHOLD;
        }
        var n = field.get();
        if (!n.isNumber() || !(n.asDouble() > 0 && n.asDouble() < 1)) {
            throw new IOException("decoderThreshold in " + ModelCardField.card(model) + " is not in (0, 1): " + n);
        }
        return n.asDouble();
    }

    /** The threshold a finder runs at unless told otherwise: its card's for a model, unused by Haar. */
    public static double threshold(String finder) throws IOException {
        return finder.equals("haar") ? FinderDecoder.DEFAULT_THRESHOLD : cardThreshold(Path.of(finder));
    }

    /** A finder at {@link #threshold(String)}. */
    public static FaceFinder open(String finder, Path cascade) throws IOException {
        return open(finder, cascade, threshold(finder));
    }

    public static FaceFinder open(String finder, Path cascade, double threshold) throws IOException {
        if (finder.equals("haar")) {
            Path xml = cascade == null ? DEFAULT_CASCADE : cascade;
            if (!Files.isRegularFile(xml)) {
                throw new IOException("Haar cascade not found: " + xml
                        + " (Debian: apt-get install opencv-data, or pass --cascade FILE)");
            }
            return new HaarFinder(HaarCascade.read(xml), HaarFinder.DEFAULT_SCALE_FACTOR,
                    HaarFinder.DEFAULT_MIN_NEIGHBORS);
        }
        Path model = Path.of(finder);
        if (!Files.isRegularFile(model)) {
            throw new IOException("finder model not found: " + model + " (or use --finder haar)");
        }
        try {
            return new NetFinder(TfliteModel.read(model), new FinderDecoder(threshold, FinderDecoder.DEFAULT_NMS_IOU),
                    model.getFileName().toString());
        } catch (ModelFormatException e) {
            throw new IOException("cannot run finder " + model + ": " + e.getMessage(), e);
        }
    }
}
