package io.maskgate.firmware;

import io.maskgate.tinyml.image.ImagePreprocessor;
import io.maskgate.tinyml.interpreter.Interpreter;
import io.maskgate.tinyml.model.TfliteModel;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Door-camera frames for the end-to-end test: ilc-2021-scenes val photos with exactly one annotated face (the
 * emulator's face finder returns that box), of one label, on which the shipped model is confident (tinyml score at
 * least 0.9 for mask, at most 0.1 for no_mask on the centred square of the box). The test is about the system
 * carrying decisions to the door, not about the model's accuracy (models/REPORT.md): confident frames keep it
 * deterministic.
 */
final class SceneFrames {

    private SceneFrames() {
    }

    static List<Path> confident(String label, int count) throws Exception {
        Path scenes = MicroPythonHost.DATA.resolve("ilc-2021-scenes");
        Map<String, List<String[]>> byFile = new HashMap<>();
        List<String> lines = Files.readAllLines(scenes.resolve("boxes.csv"));
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",");
            byFile.computeIfAbsent(f[1], k -> new ArrayList<>()).add(f);
        }
        TfliteModel model = TfliteModel.read(MicroPythonHost.SHIPPED_MODEL);
        Interpreter interpreter = new Interpreter(model);
        ImagePreprocessor pre = new ImagePreprocessor(interpreter.input());
        List<Path> out = new ArrayList<>();
        for (String file : byFile.keySet().stream().filter(f -> f.startsWith("val/")).sorted().toList()) {
            List<String[]> boxes = byFile.get(file);
            if (boxes.size() != 1 || !boxes.get(0)[2].equals(label)) {
                continue;
            }
            String[] b = boxes.get(0);
            int x = (int) Math.floor(Double.parseDouble(b[3]));
            int y = (int) Math.floor(Double.parseDouble(b[4]));
            int w = (int) Math.ceil(Double.parseDouble(b[5])) - x;
            int h = (int) Math.ceil(Double.parseDouble(b[6])) - y;
            if (Math.min(w, h) < 48) {
                continue;
            }
            BufferedImage img = ImagePreprocessor.decode(scenes.resolve(file));
            int[] sq = centreSquare(x, y, w, h, img.getWidth(), img.getHeight());
            double p = score(interpreter, pre.preprocess(img.getSubimage(sq[0], sq[1], sq[2], sq[2])));
            if (label.equals("mask") ? p >= 0.9 : p <= 0.1) {
                out.add(scenes.resolve(file));
                if (out.size() == count) {
                    return out;
                }
            }
        }
        throw new IOException("only " + out.size() + " confident " + label + " scenes in " + scenes);
    }

    private static double score(Interpreter interpreter, byte[] input) {
        byte q = interpreter.invoke(input)[0];
        return interpreter.output().dequantize(q);
    }

    /** firmware/maskgate_unit.centre_square. */
    static int[] centreSquare(int x, int y, int w, int h, int imgW, int imgH) {
        int side = Math.min(Math.min(w, h), Math.min(imgW, imgH));
        int cx = x + w / 2;
        int cy = y + h / 2;
        int sx = Math.max(0, Math.min(imgW - side, cx - side / 2));
        int sy = Math.max(0, Math.min(imgH - side, cy - side / 2));
        return new int[] {sx, sy, side};
    }

    static Path writeList(Path file, List<Path> frames) throws IOException {
        return Files.write(file, frames.stream().map(Path::toString).toList());
    }
}
