package io.maskgate.trainer.data;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * A labelled image folder ({@code DIR/mask/*.jpg}, {@code DIR/no_mask/*.jpg}) decoded once into memory.
 * The whole facemask-12k train split is about 120 MB as bytes, so augmentation can re-sample it every epoch
 * without touching the disk. Loading fails with a {@link DataException} naming the bad path.
 */
public final class ImageSet {
    private final Path root;
    private final List<SourceImage> images;

    private ImageSet(Path root, List<SourceImage> images) {
        this.root = root;
        this.images = List.copyOf(images);
    }

    /** An in-memory set (tests, subsets). */
    public static ImageSet of(Path root, List<SourceImage> images) {
        return new ImageSet(root, images);
    }

    public static ImageSet load(Path dir) {
        return load(dir, Integer.MAX_VALUE, 0);
    }

    /**
     * Loads at most {@code perClassLimit} images per class (sorted by file name, then a seeded pick when limited),
     * decoding on all cores.
     */
    public static ImageSet load(Path dir, int perClassLimit, long seed) {
        return load(dir, perClassLimit, seed, false);
    }

    /**
     * As {@link #load(Path, int, long)}; with {@code incorrectAsNoMask}, an optional {@code DIR/incorrect/} folder
     * (masks worn below the nose, which the door's policy treats as no mask) is loaded with the NO_MASK label.
     */
    public static ImageSet load(Path dir, int perClassLimit, long seed, boolean incorrectAsNoMask) {
        if (!Files.isDirectory(dir)) {
            throw new DataException("data folder not found: " + dir);
        }
        List<Path> files = new ArrayList<>();
        List<Label> labels = new ArrayList<>();
        for (Label label : Label.values()) {
            Path classDir = dir.resolve(label.folder());
            if (!Files.isDirectory(classDir)) {
                throw new DataException("class folder missing: " + classDir + " (expected " + dir + "/{mask,no_mask}/)");
            }
            List<Path> classFiles = listImages(classDir);
            if (classFiles.isEmpty()) {
                throw new DataException("class folder has no images: " + classDir);
            }
            if (classFiles.size() > perClassLimit) {
                Collections.shuffle(classFiles, new java.util.Random(seed + label.value()));
                classFiles = new ArrayList<>(classFiles.subList(0, perClassLimit));
                Collections.sort(classFiles);
            }
            files.addAll(classFiles);
            for (int i = 0; i < classFiles.size(); i++) {
                labels.add(label);
            }
        }
        Path incorrect = dir.resolve(INCORRECT_FOLDER);
        if (incorrectAsNoMask && Files.isDirectory(incorrect)) {
            List<Path> extra = listImages(incorrect);
            if (extra.size() > perClassLimit) {
                Collections.shuffle(extra, new java.util.Random(seed + 7));
                extra = new ArrayList<>(extra.subList(0, perClassLimit));
                Collections.sort(extra);
            }
            files.addAll(extra);
            for (int i = 0; i < extra.size(); i++) {
                labels.add(Label.NO_MASK);
            }
        }
        return new ImageSet(dir, decodeAll(files, labels));
    }

    /** The ilc-2021 folder of masks worn wrongly (neither mask nor no_mask in the data's own labels). */
    public static final String INCORRECT_FOLDER = "incorrect";

    private static List<Path> listImages(Path classDir) {
        try (Stream<Path> s = Files.list(classDir)) {
            return new ArrayList<>(s.filter(Files::isRegularFile)
                    .filter(p -> {
                        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
                        return n.endsWith(".jpg") || n.endsWith(".jpeg") || n.endsWith(".png");
                    })
                    .sorted()
                    .toList());
        } catch (IOException e) {
            throw new DataException("cannot list " + classDir + ": " + e.getMessage(), e);
        }
    }

    private static List<SourceImage> decodeAll(List<Path> files, List<Label> labels) {
        int threads = Math.max(1, Runtime.getRuntime().availableProcessors());
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "image-decode");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<SourceImage>> futures = new ArrayList<>(files.size());
            for (int i = 0; i < files.size(); i++) {
                Path file = files.get(i);
                Label label = labels.get(i);
                futures.add(pool.submit(() -> decode(file, label)));
            }
            List<SourceImage> out = new ArrayList<>(files.size());
            for (Future<SourceImage> f : futures) {
                try {
                    out.add(f.get());
                } catch (java.util.concurrent.ExecutionException e) {
                    if (e.getCause() instanceof DataException de) {
                        throw de;
                    }
                    throw new DataException("image decoding failed: " + e.getCause(), e.getCause());
                }
            }
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DataException("interrupted while decoding images", e);
        } finally {
            pool.shutdownNow();
        }
    }

    /** Decodes one file to RGB; throws a {@link DataException} naming the file when it is not a readable image. */
    public static SourceImage decode(Path file, Label label) {
        BufferedImage img;
        try {
            img = ImageIO.read(file.toFile());
        } catch (IOException | RuntimeException e) {
            throw new DataException("unreadable image: " + file + " (" + e.getMessage() + ")", e);
        }
        if (img == null) {
            throw new DataException("unreadable image: " + file + " (not a JPEG/PNG this JVM can decode)");
        }
        int w = img.getWidth();
        int h = img.getHeight();
        if (w < 8 || h < 8) {
            throw new DataException("image too small (" + w + "x" + h + "): " + file);
        }
        byte[] rgb = new byte[w * h * 3];
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            img.getRGB(0, y, w, 1, row, 0, w);
            for (int x = 0; x < w; x++) {
                int p = row[x];
                int o = (y * w + x) * 3;
                rgb[o] = (byte) (p >> 16);
                rgb[o + 1] = (byte) (p >> 8);
                rgb[o + 2] = (byte) p;
            }
        }
        return new SourceImage(file.getFileName().toString(), label, w, h, rgb);
    }

    public Path root() {
        return root;
    }

    public List<SourceImage> images() {
        return images;
    }

    public int size() {
        return images.size();
    }

    public int count(Label label) {
        return (int) images.stream().filter(i -> i.label() == label).count();
    }
}
