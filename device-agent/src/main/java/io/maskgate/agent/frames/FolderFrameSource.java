package io.maskgate.agent.frames;

import io.maskgate.protocol.Label;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * Replays a folder of face images as a scene: for each image (shuffled with a seed) a person "arrives"
 * ({@code emptyFrames} frames with nobody), "stands" ({@code standFrames} frames of the same face, e.g. 1-2 s at
 * the unit's frame rate) and leaves; then the next person; looping forever. Images under a folder named
 * {@code mask} or {@code no_mask} carry that label as ground truth (for reports only). In scenes mode the images
 * are whole photos without a face region, for a unit whose door pipeline finds faces. An unreadable image is
 * skipped with a warning, not fatal.
 */
public final class FolderFrameSource implements FrameSource {

    private final List<Path> images;
    private final int standFrames;
    private final int emptyFrames;
    private final boolean loop;
    private final boolean scenes;
    private int index;
    private int phase;
    private Frame current;
    private int skipped;

    public FolderFrameSource(Path dir, int standFrames, int emptyFrames, long seed, boolean loop) throws IOException {
        this(dir, standFrames, emptyFrames, seed, loop, false);
    }

    /**
     * @param scenes true when the images are whole scenes (e.g. ilc-2021-scenes): frames then carry no face
     *               region, and the unit's door pipeline finds the faces
     */
    public FolderFrameSource(Path dir, int standFrames, int emptyFrames, long seed, boolean loop, boolean scenes)
            throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IOException("frames folder not found: " + dir);
        }
        if (standFrames < 1 || emptyFrames < 0) {
            throw new IllegalArgumentException("standFrames must be >= 1 and emptyFrames >= 0");
        }
        try (Stream<Path> files = Files.walk(dir)) {
            images = new ArrayList<>(files.filter(Files::isRegularFile).filter(FolderFrameSource::isImage).sorted().toList());
        }
        if (images.isEmpty()) {
            throw new IOException("no images (jpg, jpeg, png, bmp) under " + dir);
        }
        Collections.shuffle(images, new Random(seed));
        this.standFrames = standFrames;
        this.emptyFrames = emptyFrames;
        this.loop = loop;
        this.scenes = scenes;
    }

    public int imageCount() {
        return images.size();
    }

    public int skipped() {
        return skipped;
    }

    /** Ground truth from the nearest parent folder named mask or no_mask, else null. */
    public static Label truthOf(Path file) {
        for (Path p = file.getParent(); p != null; p = p.getParent()) {
            String name = p.getFileName() == null ? "" : p.getFileName().toString().toLowerCase(Locale.ROOT);
            if (name.equals("mask")) {
                return Label.MASK;
            }
            if (name.equals("no_mask")) {
                return Label.NO_MASK;
            }
        }
        return null;
    }

    @Override
    public synchronized Frame next() throws IOException {
        while (true) {
            if (phase < emptyFrames) {
                phase++;
                return Frame.empty("nobody");
            }
            if (phase == emptyFrames) {
                if (index >= images.size()) {
                    if (!loop) {
                        throw new IOException("end of frames");
                    }
                    index = 0;
                }
                Path file = images.get(index);
                current = load(file);
                if (current == null) {
                    images.remove(index); // unreadable: never try it again, go to the next person
                    if (images.isEmpty()) {
                        throw new IOException("no readable image left under the frames folder");
                    }
                    continue;
                }
                index++;
            }
            phase++;
            Frame f = current;
            if (phase >= emptyFrames + standFrames) {
                phase = 0;
            }
            return f;
        }
    }

    private Frame load(Path file) {
        try {
            BufferedImage img = ImageIO.read(new ByteArrayInputStream(Files.readAllBytes(file)));
            if (img == null) {
                throw new IOException("not a supported image");
            }
            return scenes ? Frame.scene(img, file.getFileName().toString())
                    : Frame.faceCrop(img, file.getFileName().toString(), truthOf(file));
        } catch (IOException | RuntimeException e) {
            skipped++;
            System.err.println("agent: skipping unreadable image " + file + ": " + e.getMessage());
            return null;
        }
    }

    private static boolean isImage(Path p) {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return n.endsWith(".jpg") || n.endsWith(".jpeg") || n.endsWith(".png") || n.endsWith(".bmp");
    }
}
