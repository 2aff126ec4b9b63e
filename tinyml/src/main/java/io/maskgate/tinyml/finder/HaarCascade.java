package io.maskgate.tinyml.finder;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * An OpenCV Haar cascade (the {@code opencv-cascade-classifier} XML of OpenCV 2.4+, e.g. Debian's
 * {@code opencv-data} {@code haarcascade_frontalface_default.xml}, which OpenMV's "frontalface" cascade is
 * converted from): boosted stumps over upright Haar features, evaluated as OpenCV's {@code HaarEvaluator} does
 * (feature sums times 1 / (window std x area), stage sum of leaf values against the stage threshold).
 */
public final class HaarCascade {
    /** One weighted rectangle of a feature, in window coordinates. */
    record Rect(int x, int y, int w, int h, double weight) {
    }

    /** A decision stump: feature index, threshold and the two leaf values (below, at or above). */
    record Stump(int feature, double threshold, double left, double right) {
    }

    record Stage(double threshold, Stump[] stumps) {
    }

    private final int width;
    private final int height;
    private final Stage[] stages;
    private final Rect[][] features;

    private HaarCascade(int width, int height, Stage[] stages, Rect[][] features) {
        this.width = width;
        this.height = height;
        this.stages = stages;
        this.features = features;
    }

    public static HaarCascade read(Path xml) throws IOException {
        try (InputStream in = Files.newInputStream(xml)) {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            f.setExpandEntityReferences(false);
            Document doc = f.newDocumentBuilder().parse(in);
            Element cascade = (Element) doc.getElementsByTagName("cascade").item(0);
            if (cascade == null || !"BOOST".equals(text(cascade, "stageType"))
                    || !"HAAR".equals(text(cascade, "featureType"))) {
                throw new IOException(xml + " is not an OpenCV BOOST/HAAR cascade (new XML format)");
            }
            int w = Integer.parseInt(text(cascade, "width"));
            int h = Integer.parseInt(text(cascade, "height"));
            List<Stage> stages = new ArrayList<>();
            for (Element st : items(child(cascade, "stages"))) {
                double threshold = Double.parseDouble(text(st, "stageThreshold"));
                List<Stump> stumps = new ArrayList<>();
                for (Element wc : items(child(st, "weakClassifiers"))) {
                    String[] node = text(wc, "internalNodes").trim().split("\\s+");
                    String[] leaves = text(wc, "leafValues").trim().split("\\s+");
                    if (node.length != 4 || leaves.length != 2) {
                        throw new IOException(xml + ": only stump cascades (one node, two leaves) are supported");
                    }
                    stumps.add(new Stump(Integer.parseInt(node[2]), Double.parseDouble(node[3]),
                            Double.parseDouble(leaves[0]), Double.parseDouble(leaves[1])));
                }
                stages.add(new Stage(threshold, stumps.toArray(new Stump[0])));
            }
            List<Rect[]> features = new ArrayList<>();
            for (Element feat : items(child(cascade, "features"))) {
                if (child(feat, "tilted") != null && Integer.parseInt(text(feat, "tilted").trim()) != 0) {
                    throw new IOException(xml + ": tilted Haar features are not supported");
                }
                List<Rect> rects = new ArrayList<>();
                for (Element r : items(child(feat, "rects"))) {
                    String[] v = r.getTextContent().trim().split("\\s+");
                    rects.add(new Rect(Integer.parseInt(v[0]), Integer.parseInt(v[1]), Integer.parseInt(v[2]),
                            Integer.parseInt(v[3]), Double.parseDouble(v[4])));
                }
                features.add(rects.toArray(new Rect[0]));
            }
            if (stages.isEmpty() || features.isEmpty()) {
                throw new IOException(xml + ": cascade without stages or features");
            }
            return new HaarCascade(w, h, stages.toArray(new Stage[0]), features.toArray(new Rect[0][]));
        } catch (IOException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException("cannot read Haar cascade " + xml + ": " + e.getMessage(), e);
        }
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    public int stageCount() {
        return stages.length;
    }

    /**
     * Runs the cascade on the window at (x, y) of an integral image (sum and squared sum, (w+1) x (h+1)).
     *
     * @return 1 when every stage passes, 0 when the first stage rejects, -k when stage k rejects
     */
    int evaluate(double[] sum, double[] sqsum, int stride, int x, int y) {
        // variance normalisation over the window's inner rectangle (1, 1, w-2, h-2), as OpenCV's normrect
        int nx = x + 1;
        int ny = y + 1;
        int nw = width - 2;
        int nh = height - 2;
        double s = rectSum(sum, stride, nx, ny, nw, nh);
        double sq = rectSum(sqsum, stride, nx, ny, nw, nh);
        double area = (double) nw * nh;
        double nf = area * sq - s * s;
        nf = nf > 0 ? Math.sqrt(nf) : 1.0;
        double norm = 1.0 / nf;
        for (int si = 0; si < stages.length; si++) {
            Stage st = stages[si];
            double acc = 0;
            for (Stump stump : st.stumps()) {
                double v = 0;
                for (Rect r : features[stump.feature()]) {
                    v += r.weight() * rectSum(sum, stride, x + r.x(), y + r.y(), r.w(), r.h());
                }
                acc += v * norm < stump.threshold() ? stump.left() : stump.right();
            }
            if (acc < st.threshold()) {
                return -si;
            }
        }
        return 1;
    }

    private static double rectSum(double[] ii, int stride, int x, int y, int w, int h) {
        return ii[(y + h) * stride + x + w] - ii[y * stride + x + w] - ii[(y + h) * stride + x] + ii[y * stride + x];
    }

    private static Element child(Element parent, String tag) {
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals(tag)) {
                return e;
            }
        }
        return null;
    }

    private static String text(Element parent, String tag) throws IOException {
        Element e = child(parent, tag);
        if (e == null) {
            throw new IOException("cascade XML lacks <" + tag + ">");
        }
        return e.getTextContent().trim();
    }

    private static List<Element> items(Element parent) throws IOException {
        if (parent == null) {
            throw new IOException("cascade XML lacks a list element");
        }
        List<Element> out = new ArrayList<>();
        NodeList nl = parent.getChildNodes();
        for (int i = 0; i < nl.getLength(); i++) {
            if (nl.item(i) instanceof Element e && e.getTagName().equals("_")) {
                out.add(e);
            }
        }
        return out;
    }
}
