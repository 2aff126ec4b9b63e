package io.maskgate.tinyml.finder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class LetterboxTest {

    @Test
    void landscapeFrameIsScaledAndCentredVertically() {
        Letterbox lb = Letterbox.of(320, 240, 128);
        assertEquals(128, lb.scaledWidth());
        assertEquals(96, lb.scaledHeight());
        assertEquals(0, lb.offsetX());
        assertEquals(16, lb.offsetY());
    }

    @Test
    void boxesRoundTripBetweenFrameAndInput() {
        Letterbox lb = Letterbox.of(213, 320, 128);
        Box b = new Box(40.5, 60, 100, 150.25);
        Box back = lb.toFrame(lb.toInput(b));
        assertEquals(b.x0(), back.x0(), 1e-9);
        assertEquals(b.y0(), back.y0(), 1e-9);
        assertEquals(b.x1(), back.x1(), 1e-9);
        assertEquals(b.y1(), back.y1(), 1e-9);
    }

    @Test
    void renderPadsWithGreyAndKeepsAFlatImageFlat() {
        Letterbox lb = Letterbox.of(40, 20, 8);
        float[] rgb = new float[40 * 20 * 3];
        java.util.Arrays.fill(rgb, 200f);
        float[] out = lb.render(rgb);
        assertEquals(8 * 8 * 3, out.length);
        assertEquals(Letterbox.PAD, out[0], 0f); // top row is padding (scaled height 4, offset 2)
        assertEquals(200f, out[(3 * 8 + 4) * 3], 1e-4f);
    }

    @Test
    void iouOfBoxes() {
        Box a = new Box(0, 0, 10, 10);
        assertEquals(1.0, a.iou(a), 1e-12);
        assertEquals(25.0 / 175.0, a.iou(new Box(5, 5, 15, 15)), 1e-12);
        assertEquals(0.0, a.iou(new Box(10, 0, 20, 10)), 0);
        assertThrows(IllegalArgumentException.class, () -> Letterbox.of(0, 10, 128));
    }
}
