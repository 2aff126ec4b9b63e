package io.maskgate.tinyml.finder;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * OpenCV's {@code CascadeClassifier.detectMultiScale} in plain Java, for the baseline row: grey
 * (BGR2GRAY weights), the image shrunk by {@code scaleFactor} per level (bilinear) while the window stays at the
 * cascade's size, windows every 2 px (1 px once the image is shrunk more than 2x; one more step after a
 * first-stage reject), then {@code groupRectangles} with {@code minNeighbors} and eps 0.2. Score = n / (n + 1)
 * for a group of n windows.
 */
public final class HaarFinder implements FaceFinder {
    public static final double DEFAULT_SCALE_FACTOR = 1.1;
    public static final int DEFAULT_MIN_NEIGHBORS = 3;
    private static final double EPS = 0.2;

    private final HaarCascade cascade;
    private final double scaleFactor;
    private final int minNeighbors;

    public HaarFinder(HaarCascade cascade, double scaleFactor, int minNeighbors) {
        if (!(scaleFactor > 1.0) || minNeighbors < 0) {
            throw new IllegalArgumentException("need scaleFactor > 1 and minNeighbors >= 0");
        }
        this.cascade = cascade;
        this.scaleFactor = scaleFactor;
        this.minNeighbors = minNeighbors;
    }

    @Override
    public String name() {
        return "haar";
    }

    @Override
    public List<Detection> find(float[] rgb, int width, int height) {
        int[] grey = new int[width * height];
        for (int i = 0; i < grey.length; i++) {
            int r = Math.round(rgb[3 * i]);
            int g = Math.round(rgb[3 * i + 1]);
            int b = Math.round(rgb[3 * i + 2]);
            grey[i] = (r * 4899 + g * 9617 + b * 1868 + 8192) >> 14;
        }
        int cw = cascade.width();
        int ch = cascade.height();
        List<int[]> windows = new ArrayList<>();
        for (double factor = 1; ; factor *= scaleFactor) {
            int sw = (int) Math.round(width / factor);
            int sh = (int) Math.round(height / factor);
            int pw = sw - cw;
            int ph = sh - ch;
            if (pw <= 0 || ph <= 0) {
                break;
            }
            int winW = (int) Math.round(cw * factor);
            int winH = (int) Math.round(ch * factor);
            int[] img = resize(grey, width, height, sw, sh);
            int stride = sw + 1;
            double[] sum = new double[stride * (sh + 1)];
            double[] sq = new double[stride * (sh + 1)];
            for (int y = 0; y < sh; y++) {
                double rs = 0;
                double rq = 0;
                for (int x = 0; x < sw; x++) {
                    int v = img[y * sw + x];
                    rs += v;
                    rq += (double) v * v;
                    sum[(y + 1) * stride + x + 1] = sum[y * stride + x + 1] + rs;
                    sq[(y + 1) * stride + x + 1] = sq[y * stride + x + 1] + rq;
                }
            }
            int step = factor > 2.0 ? 1 : 2;
            for (int y = 0; y < ph; y += step) {
                for (int x = 0; x < pw; x += step) {
                    int result = cascade.evaluate(sum, sq, stride, x, y);
                    if (result > 0) {
                        windows.add(new int[] {(int) Math.round(x * factor), (int) Math.round(y * factor), winW, winH});
                    } else if (result == 0) {
                        x += step;
                    }
                }
            }
        }
        List<Detection> out = new ArrayList<>();
        for (int[] g : group(windows)) {
            out.add(new Detection(new Box(g[0], g[1], g[0] + g[2], g[1] + g[3]), g[4] / (g[4] + 1.0)));
        }
        out.sort(Comparator.comparingDouble(Detection::score).reversed());
        return out;
    }

    /** OpenCV's groupRectangles: transitive clusters of similar windows, averaged, small and nested ones dropped. */
    private List<int[]> group(List<int[]> rects) {
        int n = rects.size();
        int[] parent = new int[n];
        for (int i = 0; i < n; i++) {
            parent[i] = i;
        }
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                if (similar(rects.get(i), rects.get(j))) {
                    int a = root(parent, i);
                    int b = root(parent, j);
                    if (a != b) {
                        parent[b] = a;
                    }
                }
            }
        }
        java.util.Map<Integer, double[]> sums = new java.util.LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            double[] s = sums.computeIfAbsent(root(parent, i), k -> new double[5]);
            int[] r = rects.get(i);
            for (int k = 0; k < 4; k++) {
                s[k] += r[k];
            }
            s[4]++;
        }
        List<int[]> groups = new ArrayList<>();
        for (double[] s : sums.values()) {
            int cnt = (int) s[4];
            groups.add(new int[] {(int) Math.round(s[0] / cnt), (int) Math.round(s[1] / cnt),
                    (int) Math.round(s[2] / cnt), (int) Math.round(s[3] / cnt), cnt});
        }
        List<int[]> kept = new ArrayList<>();
        for (int i = 0; i < groups.size(); i++) {
            int[] r1 = groups.get(i);
            int n1 = r1[4];
            if (n1 <= minNeighbors) {
                continue;
            }
            boolean nested = false;
            for (int j = 0; j < groups.size() && !nested; j++) {
                int[] r2 = groups.get(j);
                int n2 = r2[4];
                if (j == i || n2 <= minNeighbors) {
                    continue;
                }
                int dx = (int) Math.round(r2[2] * EPS);
                int dy = (int) Math.round(r2[3] * EPS);
                nested = r1[0] >= r2[0] - dx && r1[1] >= r2[1] - dy && r1[0] + r1[2] <= r2[0] + r2[2] + dx
                        && r1[1] + r1[3] <= r2[1] + r2[3] + dy && (n2 > Math.max(3, n1) || n1 < 3);
            }
            if (!nested) {
                kept.add(r1);
            }
        }
        return kept;
    }

    private static boolean similar(int[] a, int[] b) {
        double delta = EPS * (Math.min(a[2], b[2]) + Math.min(a[3], b[3])) * 0.5;
        return Math.abs(a[0] - b[0]) <= delta && Math.abs(a[1] - b[1]) <= delta
                && Math.abs(a[0] + a[2] - b[0] - b[2]) <= delta && Math.abs(a[1] + a[3] - b[1] - b[3]) <= delta;
    }

    private static int root(int[] parent, int i) {
        while (parent[i] != i) {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        return i;
    }

    /** Bilinear resize with half-pixel centres (cv::resize INTER_LINEAR), rounded to integers. */
    private static int[] resize(int[] src, int sw, int sh, int dw, int dh) {
        if (dw == sw && dh == sh) {
            return src;
        }
        int[] out = new int[dw * dh];
        double fx = (double) sw / dw;
        double fy = (double) sh / dh;
        for (int y = 0; y < dh; y++) {
            double syf = (y + 0.5) * fy - 0.5;
            int y0 = (int) Math.floor(syf);
            double wy = syf - y0;
            if (y0 < 0) {
                y0 = 0;
                wy = 0;
            }
            int y1 = Math.min(sh - 1, y0 + 1);
            if (y0 >= sh - 1) {
                y0 = sh - 1;
                wy = 0;
            }
            for (int x = 0; x < dw; x++) {
                double sxf = (x + 0.5) * fx - 0.5;
                int x0 = (int) Math.floor(sxf);
                double wx = sxf - x0;
                if (x0 < 0) {
                    x0 = 0;
                    wx = 0;
                }
                int x1 = Math.min(sw - 1, x0 + 1);
                if (x0 >= sw - 1) {
                    x0 = sw - 1;
                    wx = 0;
                }
                double top = src[y0 * sw + x0] * (1 - wx) + src[y0 * sw + x1] * wx;
                double bottom = src[y1 * sw + x0] * (1 - wx) + src[y1 * sw + x1] * wx;
                out[y * dw + x] = (int) Math.round(top * (1 - wy) + bottom * wy);
            }
        }
        return out;
    }
}
