package io.maskgate.tinyml.finder;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The annotated face boxes of one split of {@code ilc-2021-scenes} ({@code boxes.csv}:
 * {@code split,file,label,xmin,ymin,xmax,ymax,source_path}), by photo file relative to the scenes folder,
 * in file order. Shared by the trainer (training samples) and the door evaluation.
 */
public final class SceneBoxes {
    /** One annotated face: label (mask, no_mask or incorrect) and box in the stored photo's pixels. */
    public record Face(String label, Box box) {
    }

    private SceneBoxes() {
    }

    /**
     * @param splitDir {@code .../ilc-2021-scenes/val} (or train); boxes.csv is read from its parent
     * @return file (e.g. {@code val/0a1b.jpg}) -> faces
     */
    public static Map<String, List<Face>> read(Path splitDir) throws IOException {
        if (!Files.isDirectory(splitDir)) {
            throw new IOException("scene folder not found: " + splitDir);
        }
        Path root = splitDir.toAbsolutePath().normalize().getParent();
        Path csv = root.resolve("boxes.csv");
        if (!Files.isRegularFile(csv)) {
            throw new IOException("boxes.csv not found beside " + splitDir + " (expected " + csv + ")");
        }
        String split = splitDir.toAbsolutePath().normalize().getFileName().toString();
        Map<String, List<Face>> faces = new LinkedHashMap<>();
        List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
        for (int i = 1; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty()) {
                continue;
            }
            String[] f = line.split(",", 8);
            if (f.length < 7) {
                throw new IOException(csv + " line " + (i + 1) + ": expected split,file,label,xmin,ymin,xmax,ymax");
            }
            if (!f[0].equals(split)) {
                continue;
            }
            try {
                Box b = new Box(Double.parseDouble(f[3]), Double.parseDouble(f[4]), Double.parseDouble(f[5]),
                        Double.parseDouble(f[6]));
                faces.computeIfAbsent(f[1], k -> new ArrayList<>()).add(new Face(f[2], b));
            } catch (NumberFormatException e) {
                throw new IOException(csv + " line " + (i + 1) + ": bad box coordinate");
            }
        }
        if (faces.isEmpty()) {
            throw new IOException(csv + " lists no photo of split '" + split + "'");
        }
        return faces;
    }

    /** The scenes folder (parent of the split folders) for a split folder. */
    public static Path root(Path splitDir) {
        return splitDir.toAbsolutePath().normalize().getParent();
    }
}
