package io.maskgate.agent.inference;

import java.awt.Rectangle;
import java.awt.image.BufferedImage;

/** The firmware's crop: the centred square of the face region, kept inside the image (see firmware/maskgate_unit.py). */
public final class FaceCrop {

    private FaceCrop() {
    }

    public static Rectangle centreSquare(Rectangle face, int imageWidth, int imageHeight) {
        int side = Math.min(Math.min(face.width, face.height), Math.min(imageWidth, imageHeight));
        int cx = face.x + face.width / 2;
        int cy = face.y + face.height / 2;
        int sx = Math.max(0, Math.min(imageWidth - side, cx - side / 2));
        int sy = Math.max(0, Math.min(imageHeight - side, cy - side / 2));
        return new Rectangle(sx, sy, side, side);
    }

    public static BufferedImage crop(BufferedImage image, Rectangle face) {
        Rectangle r = centreSquare(face, image.getWidth(), image.getHeight());
        return image.getSubimage(r.x, r.y, r.width, r.height);
    }
}
