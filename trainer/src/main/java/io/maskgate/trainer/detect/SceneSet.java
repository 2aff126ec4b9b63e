package io.maskgate.trainer.detect;

import io.maskgate.tinyml.finder.SceneBoxes;
import io.maskgate.tinyml.image.ImagePreprocessor;
import io.maskgate.trainer.data.DataException;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The photos of one split of {@code ilc-2021-scenes} with their face boxes from {@code boxes.csv}, decoded
 * once into memory (about 230 KB per photo as RGB bytes).
 */
public final class SceneSet {
    private final List<Scene> scenes;

    private SceneSet(List<Scene> scenes) {
        this.scenes = scenes;
    }

    /**
     * @param splitDir {@code .../ilc-2021-scenes/train} or {@code .../val}; boxes.csv is read from its parent
     */
    public static SceneSet load(Path splitDir) throws IOException {
        Map<String, List<SceneBoxes.Face>> boxes;
        try {
            boxes = SceneBoxes.read(splitDir);
        } catch (IOException e) {
            throw new DataException(e.getMessage());
        }
        Path root = SceneBoxes.root(splitDir);
        Map<String, List<SceneFace>> faces = new LinkedHashMap<>();
        boxes.forEach((file, list) -> faces.put(file, list.stream().map(f -> new SceneFace(f.label(), f.box())).toList()));
        List<Scene> scenes = new ArrayList<>();
        for (Map.Entry<String, List<SceneFace>> e : faces.entrySet()) {
            Path file = root.resolve(e.getKey());
            BufferedImage img = ImagePreprocessor.decode(file);
            float[] rgb = ImagePreprocessor.toRgb(img);
            byte[] bytes = new byte[rgb.length];
            for (int i = 0; i < rgb.length; i++) {
                bytes[i] = (byte) Math.round(rgb[i]);
            }
            scenes.add(new Scene(e.getKey(), img.getWidth(), img.getHeight(), bytes, List.copyOf(e.getValue())));
        }
        return new SceneSet(List.copyOf(scenes));
    }

    public List<Scene> scenes() {
        return scenes;
    }

    public int faceCount() {
        return scenes.stream().mapToInt(s -> s.faces().size()).sum();
    }
}
