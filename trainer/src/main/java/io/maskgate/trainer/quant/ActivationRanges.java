package io.maskgate.trainer.quant;

import io.maskgate.trainer.data.Batch;
import io.maskgate.trainer.data.BatchProducer;
import io.maskgate.trainer.data.SourceImage;
import io.maskgate.trainer.export.FloatModel;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Calibration: the min/max of every probed float activation over a representative set of training images,
 * run through the exported SavedModel itself (so what is quantised is exactly what was exported).
 */
public final class ActivationRanges {
    private final Map<String, float[]> ranges;
    private final int images;

    private ActivationRanges(Map<String, float[]> ranges, int images) {
        this.ranges = ranges;
        this.images = images;
    }

    public static ActivationRanges calibrate(FloatModel model, List<SourceImage> representative) {
        Map<String, float[]> ranges = new LinkedHashMap<>();
        for (Batch b : BatchProducer.plain(representative, 128)) {
            for (Map.Entry<String, float[]> e : model.probe(b.pixels(), b.size()).entrySet()) {
                float[] r = ranges.computeIfAbsent(e.getKey(), k -> new float[] {0f, 0f});
                for (float v : e.getValue()) {
                    if (v < r[0]) {
                        r[0] = v;
                    }
                    if (v > r[1]) {
                        r[1] = v;
                    }
                }
            }
        }
        return new ActivationRanges(ranges, representative.size());
    }

    /** Ranges measured elsewhere (the face finder calibrates on its own graph): probe name -> {min, max}. */
    public static ActivationRanges of(Map<String, float[]> ranges, int images) {
        return new ActivationRanges(new LinkedHashMap<>(ranges), images);
    }

    /** {min, max} of the probe, always containing 0. */
    public float[] range(String probe) {
        float[] r = ranges.get(probe);
        if (r == null) {
            throw new IllegalStateException("no calibration range for " + probe);
        }
        return r;
    }

    public int images() {
        return images;
    }
}
