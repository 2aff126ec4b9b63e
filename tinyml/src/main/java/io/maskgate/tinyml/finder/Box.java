package io.maskgate.tinyml.finder;

/** An axis-aligned box in pixel edges ({@code x0 <= x1}, {@code y0 <= y1}), in whatever image it was found. */
public record Box(double x0, double y0, double x1, double y1) {

    public static Box centred(double cx, double cy, double w, double h) {
        return new Box(cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2);
    }

    public double width() {
        return x1 - x0;
    }

    public double height() {
        return y1 - y0;
    }

    public double area() {
        return Math.max(0, width()) * Math.max(0, height());
    }

    public double shortSide() {
        return Math.min(width(), height());
    }

    public double centreX() {
        return (x0 + x1) / 2;
    }

    public double centreY() {
        return (y0 + y1) / 2;
    }

    /** Intersection over union; 0 for disjoint or empty boxes. */
    public double iou(Box o) {
        double iw = Math.min(x1, o.x1) - Math.max(x0, o.x0);
        double ih = Math.min(y1, o.y1) - Math.max(y0, o.y0);
        if (iw <= 0 || ih <= 0) {
            return 0;
        }
        double inter = iw * ih;
        double union = area() + o.area() - inter;
        return union <= 0 ? 0 : inter / union;
    }

    public Box scaled(double s) {
        return new Box(x0 * s, y0 * s, x1 * s, y1 * s);
    }

    public Box translated(double dx, double dy) {
        return new Box(x0 + dx, y0 + dy, x1 + dx, y1 + dy);
    }

    /** Clipped to [0,w] x [0,h]. */
    public Box clipped(double w, double h) {
        return new Box(Math.max(0, x0), Math.max(0, y0), Math.min(w, x1), Math.min(h, y1));
    }
}
