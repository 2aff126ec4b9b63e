package io.maskgate.trainer.data;

/**
 * Down-scaling filters used by the interpolation augmentation. Each one leaves a different fingerprint
 * (aliasing, ringing, softness) on a 32x32 crop; training on all of them keeps the model from depending on
 * whichever resize a given camera pipeline happens to use.
 */
public enum Interpolation {
    /** Nearest neighbour: aliased, what a naive frame-buffer decimation gives. */
    NEAREST(0.5, false),
    /** Triangle filter without anti-aliasing (OpenCV / TensorFlow style bilinear). */
    BILINEAR(1.0, false),
    /** Keys cubic (a = -0.5) without anti-aliasing (OpenCV style bicubic). */
    BICUBIC(2.0, false),
    /** Exact area average (box filter scaled to the footprint); the deterministic evaluation resize. */
    AREA(0.5, true),
    /** Lanczos-3, anti-aliased (Pillow style): sharp with slight ringing. */
    LANCZOS(3.0, true);

    private final double support;
    private final boolean antialias;

    Interpolation(double support, boolean antialias) {
        this.support = support;
        this.antialias = antialias;
    }

    double support() {
        return support;
    }

    boolean antialias() {
        return antialias;
    }

    double kernel(double x) {
        double ax = Math.abs(x);
        switch (this) {
            case AREA:
                return ax < 0.5 ? 1.0 : (ax == 0.5 ? 0.5 : 0.0);
            case BILINEAR:
                return ax < 1.0 ? 1.0 - ax : 0.0;
            case BICUBIC: {
                double a = -0.5;
                if (ax < 1.0) {
                    return ((a + 2) * ax - (a + 3)) * ax * ax + 1;
                }
                if (ax < 2.0) {
                    return (((ax - 5) * ax + 8) * ax - 4) * a;
                }
                return 0.0;
            }
            case LANCZOS: {
                if (ax < 1e-9) {
                    return 1.0;
                }
                if (ax >= 3.0) {
                    return 0.0;
                }
                double px = Math.PI * x;
                return 3.0 * Math.sin(px) * Math.sin(px / 3.0) / (px * px);
            }
            default:
                return ax < 0.5 ? 1.0 : 0.0;
        }
    }
}
