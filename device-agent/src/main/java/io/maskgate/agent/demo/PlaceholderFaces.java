package io.maskgate.agent.demo;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import javax.imageio.ImageIO;

/**
 * Drawn stand-in faces (with and without a mask) for a demo on a machine without the datasets. They are cartoons:
 * the demo then scores frames from their folder label (simulated scores), never pretending a model judged them.
 */
public final class PlaceholderFaces {

    private PlaceholderFaces() {
    }

    /** Writes {@code perClass} images to dir/mask and dir/no_mask; returns dir. */
    public static Path write(Path dir, int perClass, long seed) throws IOException {
        Random random = new Random(seed);
        for (String label : new String[]{"mask", "no_mask"}) {
            Path classDir = Files.createDirectories(dir.resolve(label));
            for (int i = 0; i < perClass; i++) {
                ImageIO.write(face(random, label.equals("mask")), "png", classDir.resolve("face-" + i + ".png").toFile());
            }
        }
        return dir;
    }

    private static BufferedImage face(Random random, boolean masked) {
        BufferedImage img = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(new Color(200 + random.nextInt(40), 200 + random.nextInt(40), 200 + random.nextInt(40)));
        g.fillRect(0, 0, 64, 64);
        int tone = 150 + random.nextInt(80);
        g.setColor(new Color(tone, (int) (tone * 0.8), (int) (tone * 0.65)));
        g.fillOval(12, 6, 40, 52);
        g.setColor(Color.DARK_GRAY);
        g.fillOval(22, 24, 5, 4);
        g.fillOval(37, 24, 5, 4);
        if (masked) {
            g.setColor(new Color(120 + random.nextInt(40), 180 + random.nextInt(40), 230));
            g.fillRoundRect(14, 34, 36, 20, 8, 8);
            g.setStroke(new BasicStroke(1));
            g.setColor(Color.WHITE);
            g.drawLine(12, 38, 14, 38);
            g.drawLine(50, 38, 52, 38);
        } else {
            g.setColor(new Color(150, 60, 60));
            g.fillArc(25, 42, 14, 6, 180, 180);
        }
        g.dispose();
        return img;
    }
}
