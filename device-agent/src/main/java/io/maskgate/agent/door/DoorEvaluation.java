package io.maskgate.agent.door;

import io.maskgate.agent.frames.Frame;
import io.maskgate.agent.smoothing.Smoother;
import io.maskgate.protocol.Label;
import io.maskgate.tinyml.finder.Box;
import io.maskgate.tinyml.finder.Detection;
import io.maskgate.tinyml.finder.FaceFinder;
import io.maskgate.tinyml.finder.SceneBoxes;
import io.maskgate.tinyml.image.ImagePreprocessor;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The whole door pipeline measured on scene photos with annotated faces ({@code ilc-2021-scenes}).
 * <ul>
 *   <li>Finding: detections are matched one to one with annotated faces (all labels and sizes), highest IoU
 *       first, at IoU >= 0.3. Per label, the share of faces found among faces with a short side >= 40 px and
 *       >= 20 px; a detection matched to no face is a false detection.</li>
 *   <li>Classifying: each found mask / no_mask face is cropped from its matched detection like the main face
 *       would be and scored; right when (score >= unit threshold) equals (label is mask).</li>
 *   <li>Door: the photo's main face (the {@link MainFace} rule on the annotated boxes) gives the truth. The photo
 *       is shown as M frames (the photo, then M-1 copies with a seeded 0-3 % crop and +-8 % exposure, as a
 *       live camera would jitter) through {@link DoorPipeline#observe} and the unit's N-of-M {@link Smoother};
 *       the door unlocks when a smoothed MASK decision reaches the door's minimum score (the service's rule).</li>
 * </ul>
 */
public final class DoorEvaluation {
    public static final double IOU = 0.3;

    /** Unit and door rules (the command's defaults are the unit's 3 of 5 at 500 and a new door's minimum score). */
    public record DoorRule(int n, int m, int threshold, int minScore) {
    }

    /** Counts for one label. */
    public static final class LabelCounts {
        public int faces40;
        public int found40;
        public int faces20;
        public int found20;
        public int classified;
        public int classifiedRight;
        public int classified40;
        public int classifiedRight40;
        public int mainFaces;
        public int unlocked;
        public int mainFaces40;
        public int unlocked40;

        public static double share(int a, int b) {
            return b == 0 ? Double.NaN : (double) a / b;
        }
    }

    public record Result(String finder, String classifier, int photos, int detections, int falseDetections,
                         Map<String, LabelCounts> labels, DoorRule rule, double seconds) {
        public double falsePerPhoto() {
            return photos == 0 ? 0 : (double) falseDetections / photos;
        }
    }

    private final DoorPipeline pipeline;
    private final FaceFinder finder;
    private final DoorRule rule;

    public DoorEvaluation(DoorPipeline pipeline, FaceFinder finder, DoorRule rule) {
        this.pipeline = pipeline;
        this.finder = finder;
        this.rule = rule;
    }

    public Result run(Path splitDir, int limit) throws IOException {
        long t0 = System.nanoTime();
        Map<String, List<SceneBoxes.Face>> scenes = SceneBoxes.read(splitDir);
        Path root = SceneBoxes.root(splitDir);
        Map<String, LabelCounts> labels = new LinkedHashMap<>();
        for (String l : List.of("mask", "no_mask", "incorrect")) {
            labels.put(l, new LabelCounts());
        }
        int photos = 0;
        int detections = 0;
        int falseDetections = 0;
        for (Map.Entry<String, List<SceneBoxes.Face>> e : scenes.entrySet()) {
            if (limit > 0 && photos >= limit) {
                break;
            }
            photos++;
            Path file = root.resolve(e.getKey());
            BufferedImage image = ImagePreprocessor.decode(file);
            int w = image.getWidth();
            int h = image.getHeight();
            List<Detection> dets = finder.find(ImagePreprocessor.toRgb(image), w, h);
            detections += dets.size();
            List<SceneBoxes.Face> faces = e.getValue();
            int[] match = match(faces, dets);
            boolean[] used = new boolean[dets.size()];
            Frame frame = new Frame(image, null, e.getKey(), null);
            for (int i = 0; i < faces.size(); i++) {
                SceneBoxes.Face f = faces.get(i);
                LabelCounts c = labels.computeIfAbsent(f.label(), k -> new LabelCounts());
                boolean found = match[i] >= 0;
                if (found) {
                    used[match[i]] = true;
                }
                double side = f.box().shortSide();
                if (side >= 40) {
                    c.faces40++;
                    c.found40 += found ? 1 : 0;
                }
                if (side >= 20) {
                    c.faces20++;
                    c.found20 += found ? 1 : 0;
                }
                if (found) {
                    int score = pipeline.scoreBox(frame, image, dets.get(match[i]).box());
                    boolean right = (score >= rule.threshold()) == f.label().equals("mask");
                    c.classified++;
                    c.classifiedRight += right ? 1 : 0;
                    if (side >= 40) {
                        c.classified40++;
                        c.classifiedRight40 += right ? 1 : 0;
                    }
                }
            }
            for (boolean u : used) {
                falseDetections += u ? 0 : 1;
            }
            List<Box> boxes = faces.stream().map(SceneBoxes.Face::box).toList();
            int main = MainFace.choose(boxes, w, h).orElseThrow();
            LabelCounts mc = labels.get(faces.get(main).label());
            boolean unlocked = unlocks(image, e.getKey(), dets);
            mc.mainFaces++;
            mc.unlocked += unlocked ? 1 : 0;
            if (faces.get(main).box().shortSide() >= 40) {
                mc.mainFaces40++;
                mc.unlocked40 += unlocked ? 1 : 0;
            }
        }
        return new Result(finder.name(), pipeline.classifier().modelVersion(), photos, detections, falseDetections,
                labels, rule, (System.nanoTime() - t0) / 1e9);
    }

    /** One-to-one matching, highest IoU first; returns for each face the detection index or -1. */
    static int[] match(List<SceneBoxes.Face> faces, List<Detection> dets) {
        List<double[]> pairs = new ArrayList<>();
        for (int i = 0; i < faces.size(); i++) {
            for (int j = 0; j < dets.size(); j++) {
                double iou = faces.get(i).box().iou(dets.get(j).box());
                if (iou >= IOU) {
                    pairs.add(new double[] {iou, i, j});
                }
            }
        }
        pairs.sort(Comparator.comparingDouble((double[] p) -> p[0]).reversed());
        int[] match = new int[faces.size()];
        java.util.Arrays.fill(match, -1);
        boolean[] taken = new boolean[dets.size()];
        for (double[] p : pairs) {
            int i = (int) p[1];
            int j = (int) p[2];
            if (match[i] < 0 && !taken[j]) {
                match[i] = j;
                taken[j] = true;
            }
        }
        return match;
    }

    private boolean unlocks(BufferedImage image, String name, List<Detection> firstFrameFaces) {
        Smoother smoother = new Smoother(rule.n(), rule.m(), rule.threshold());
        SplittableRandom r = new SplittableRandom(name.hashCode());
        for (int k = 0; k < rule.m(); k++) {
            Observation o;
            if (k == 0) {
                o = pipeline.decide(new Frame(image, null, name, null), image, firstFrameFaces);
            } else {
                BufferedImage jittered = jitter(image, r);
                o = pipeline.observe(new Frame(jittered, null, name, null));
            }
            if (!o.hasFace()) {
                smoother.reset();
                continue;
            }
            var s = smoother.update(o.score());
            if (s.isPresent() && s.get().label() == Label.MASK && s.get().score() >= rule.minScore()) {
                return true;
            }
        }
        return false;
    }

    /** A camera-like variant of a frame: up to 3 % cropped off each side, exposure x0.92..1.08. */
    static BufferedImage jitter(BufferedImage image, SplittableRandom r) {
        int w = image.getWidth();
        int h = image.getHeight();
        int x0 = (int) Math.floor(r.nextDouble() * 0.03 * w);
        int y0 = (int) Math.floor(r.nextDouble() * 0.03 * h);
        int x1 = w - (int) Math.floor(r.nextDouble() * 0.03 * w);
        int y1 = h - (int) Math.floor(r.nextDouble() * 0.03 * h);
        double gain = 0.92 + r.nextDouble() * 0.16;
        BufferedImage out = new BufferedImage(x1 - x0, y1 - y0, BufferedImage.TYPE_INT_RGB);
        for (int y = y0; y < y1; y++) {
            for (int x = x0; x < x1; x++) {
                int rgb = image.getRGB(x, y);
                int rr = Math.min(255, (int) Math.round(((rgb >> 16) & 0xff) * gain));
                int gg = Math.min(255, (int) Math.round(((rgb >> 8) & 0xff) * gain));
                int bb = Math.min(255, (int) Math.round((rgb & 0xff) * gain));
                out.setRGB(x - x0, y - y0, (rr << 16) | (gg << 8) | bb);
            }
        }
        return out;
    }
}
