package io.maskgate.trainer.detect;

import io.maskgate.tinyml.finder.Box;
import io.maskgate.tinyml.finder.FinderSpec;
import io.maskgate.tinyml.finder.Letterbox;
import io.maskgate.tinyml.image.ImagePreprocessor;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Renders finder samples from scene photos. {@link #plain} is exactly what the door does with a frame (the
 * {@link Letterbox}); {@link #augmented} draws, in a fixed order from a seeded generator, a zoom (a third of the
 * samples at the plain scale, the rest 0.55x to 2.5x so faces of every size appear), a position, a horizontal
 * flip, exposure, contrast, saturation, white balance and uniform sensor noise (std 0-6 grey levels). Faces cut by the frame edge to less than
 * 60 % of their area are ignored rather than taught.
 */
public final class SampleRenderer {
    private static final int S = FinderSpec.INPUT;

    private SampleRenderer() {
    }

    public static FinderSample plain(Scene scene) {
        Letterbox lb = Letterbox.of(scene.width(), scene.height(), S);
        float[] px = lb.render(scene.rgbFloats());
        List<Box> faces = new ArrayList<>();
        for (SceneFace f : scene.faces()) {
            faces.add(lb.toInput(f.box()));
        }
        for (int i = 0; i < px.length; i++) {
            px[i] = px[i] / 255f;
        }
        return new FinderSample(px, faces, FinderTargets.encode(faces, List.of()));
    }

    public static FinderSample augmented(Scene scene, long seed, long index) {
        SplittableRandom r = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + index);
        int w = scene.width();
        int h = scene.height();
        boolean plainScale = r.nextDouble() < 0.33;
        double zoom = plainScale ? 1.0 : Math.exp(Math.log(0.55) + r.nextDouble() * (Math.log(2.5) - Math.log(0.55)));
        double s = (double) S / Math.max(w, h) * zoom;
        int sw = Math.max(1, (int) Math.round(w * s));
        int sh = Math.max(1, (int) Math.round(h * s));
        int ox = offset(r, sw, plainScale);
        int oy = offset(r, sh, plainScale);
        boolean flip = r.nextBoolean();
        double exposure = Math.exp((r.nextDouble() - 0.5) * 0.8);
        double contrast = 0.7 + r.nextDouble() * 0.6;
        double saturation = r.nextDouble() < 0.05 ? 0 : 0.6 + r.nextDouble() * 0.8;
        double[] gain = {0.9 + r.nextDouble() * 0.2, 0.9 + r.nextDouble() * 0.2, 0.9 + r.nextDouble() * 0.2};
        double noise = r.nextDouble() * 6;

        float[] scaled = ImagePreprocessor.resize(scene.rgbFloats(), w, h, sw, sh);
        double mean = 0;
        for (float v : scaled) {
            mean += v;
        }
        mean /= scaled.length;
        float[] px = new float[S * S * 3];
        java.util.Arrays.fill(px, Letterbox.PAD / 255f);
        for (int y = 0; y < sh; y++) {
            int ty = y + oy;
            if (ty < 0 || ty >= S) {
                continue;
            }
            for (int x = 0; x < sw; x++) {
                int tx = x + ox;
                if (tx < 0 || tx >= S) {
                    continue;
                }
                int si = (y * sw + x) * 3;
                double grey = 0.299 * scaled[si] + 0.587 * scaled[si + 1] + 0.114 * scaled[si + 2];
                int dx = flip ? S - 1 - tx : tx;
                int di = (ty * S + dx) * 3;
                for (int c = 0; c < 3; c++) {
                    double v = grey + (scaled[si + c] - grey) * saturation;
                    v = ((v - mean) * contrast + mean) * exposure * gain[c];
                    v += noise * 1.7320508 * (2 * r.nextDouble() - 1); // uniform, std = noise
                    px[di + c] = (float) (Math.max(0, Math.min(255, v)) / 255.0);
                }
            }
        }
        List<Box> faces = new ArrayList<>();
        List<Box> ignored = new ArrayList<>();
        for (SceneFace f : scene.faces()) {
            Box b = f.box().scaled(s).translated(ox, oy);
            if (flip) {
                b = new Box(S - b.x1(), b.y0(), S - b.x0(), b.y1());
            }
            Box clipped = b.clipped(S, S);
            if (clipped.width() <= 0 || clipped.height() <= 0) {
                continue;
            }
            if (clipped.area() < 0.6 * b.area()) {
                ignored.add(clipped);
            } else {
                faces.add(clipped);
            }
        }
        return new FinderSample(px, faces, FinderTargets.encode(faces, ignored));
    }

    private static int offset(SplittableRandom r, int scaled, boolean centred) {
        if (scaled <= S) {
            return centred ? (S - scaled) / 2 : r.nextInt(S - scaled + 1);
        }
        return -r.nextInt(scaled - S + 1);
    }
}
