package io.maskgate.firmware;

import io.maskgate.agent.door.SquareCrop;
import io.maskgate.tinyml.finder.Box;
import io.maskgate.tinyml.finder.Detection;
import io.maskgate.tinyml.finder.FinderDecoder;
import io.maskgate.tinyml.finder.NetFinder;
import io.maskgate.tinyml.image.ImagePreprocessor;
import io.maskgate.tinyml.interpreter.Interpreter;
import io.maskgate.tinyml.model.TfliteModel;
import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Door-camera frames for the firmware's end-to-end tests: ilc-2021-scenes val photos with exactly one annotated
 * face, of one label, on which the Java door pipeline is confident. The shipped finder must find that face and
 * nothing else (one detection down to 0.2 below the firmware's threshold, scoring at least 0.03 above it, IoU at
 * least 0.5 with the annotated box), and the shipped
 * model must score the door pipeline's square crop of it at least 0.9 for mask, at most 0.1 for no_mask. The
 * tests are about the system carrying decisions to the door, not about the models' accuracy (models/REPORT.md):
 * confident frames keep them deterministic, though the emulator letterboxes with its own integer resize.
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
        double threshold = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(MicroPythonHost.FIRMWARE.resolve("finder.json").toFile()).get("threshold").asDouble();
        // decoded well below the firmware's threshold, so a second face near it rules the photo out
        NetFinder finder = new NetFinder(TfliteModel.read(MicroPythonHost.SHIPPED_FINDER),
                new FinderDecoder(threshold - 0.2, FinderDecoder.DEFAULT_NMS_IOU), "finder");
        Interpreter interpreter = new Interpreter(TfliteModel.read(MicroPythonHost.SHIPPED_MODEL));
        ImagePreprocessor pre = new ImagePreprocessor(interpreter.input());
        List<Path> out = new ArrayList<>();
        for (String file : byFile.keySet().stream().filter(f -> f.startsWith("val/")).sorted().toList()) {
            List<String[]> boxes = byFile.get(file);
            if (boxes.size() != 1 || !boxes.get(0)[2].equals(label)) {
                continue;
            }
            String[] b = boxes.get(0);
            Box annotated = new Box(Double.parseDouble(b[3]), Double.parseDouble(b[4]), Double.parseDouble(b[5]),
                    Double.parseDouble(b[6]));
            if (annotated.shortSide() < 48) {
                continue;
            }
            BufferedImage img = ImagePreprocessor.decode(scenes.resolve(file));
            List<Detection> found = finder.find(ImagePreprocessor.toRgb(img), img.getWidth(), img.getHeight());
            if (found.size() != 1 || found.get(0).score() < threshold + 0.03
                    || found.get(0).box().iou(annotated) < 0.5) {
                continue;
            }
            Rectangle r = SquareCrop.of(found.get(0).box(), img.getWidth(), img.getHeight(),
                    SquareCrop.DEFAULT_MARGIN);
            double p = score(interpreter, pre.preprocess(img.getSubimage(r.x, r.y, r.width, r.height)));
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

    static Path writeList(Path file, List<Path> frames) throws IOException {
        return Files.write(file, frames.stream().map(Path::toString).toList());
    }
}
