package io.maskgate.agent.door;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.maskgate.tinyml.finder.Box;
import io.maskgate.tinyml.finder.Detection;
import io.maskgate.tinyml.finder.FinderDecoder;
import io.maskgate.tinyml.finder.FinderSpec;
import io.maskgate.tinyml.finder.NetFinder;
import io.maskgate.tinyml.image.ImagePreprocessor;
import io.maskgate.tinyml.interpreter.Interpreter;
import io.maskgate.tinyml.interpreter.TensorInfo;
import io.maskgate.tinyml.model.ModelFormatException;
import io.maskgate.tinyml.model.TfliteModel;
import java.io.IOException;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Writes {@code device-agent/test-vectors/door-finder.json}: finder output grids (raw int8, as the camera's ml
 * module gets them) with the boxes the Java door pipeline decodes from them (NetFinder.faces: FinderDecoder,
 * Letterbox.toFrame), the main face it picks (MainFace) and the square crop the classifier gets (SquareCrop,
 * margin 0.2). The firmware's mirror (firmware/maskgate_finder.py) and {@link DoorFinderVectorsTest} run the same
 * file. Grids come from the shipped finder on scene photos and from
 * hand-made edge cases (plateaus, overlaps, the threshold itself, empty). Run from the repository root:
 * {@code java -cp ... io.maskgate.agent.door.DoorFinderVectors MASKGATE_DATA/ilc-2021-scenes/val}.
 */
public final class DoorFinderVectors {
    static final Path FILE = Path.of("device-agent", "test-vectors", "door-finder.json");
    /** Run from the repository root (main) or from device-agent (the test). */
    static final Path SHIPPED = Path.of(Files.isDirectory(Path.of("models")) ? "" : "..", "models",
            "maskgate-finder-v3", "model.tflite");
    static final int N = FinderSpec.GRID * FinderSpec.GRID * FinderSpec.CHANNELS;

    private DoorFinderVectors() {
    }

    public static void main(String[] args) throws Exception {
        ObjectMapper om = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = om.createObjectNode();
        root.put("about", "finder grid -> boxes in frame pixels -> main face; written by DoorFinderVectors (Java), "
                + "run by DoorFinderVectorsTest and firmware/tests/test_finder.py");
        root.put("input", FinderSpec.INPUT);
        root.put("margin", SquareCrop.DEFAULT_MARGIN);
        root.put("cell", FinderSpec.CELL);
        TensorInfo out = output();
        root.put("outputScale", (double) out.scale());
        root.put("outputZeroPoint", out.zeroPoint());
        root.put("q", "hex of the raw int8 output grid (two's complement bytes), row-major [16][16][5]: "
                + "score, centre offset x, y, width, height; probability = (q - zero point) * scale");
        ArrayNode cases = root.putArray("cases");
        NetFinder finder = new NetFinder(TfliteModel.read(SHIPPED), FinderDecoder.defaults(), "v3");
        double cardThreshold = FinderLoader.cardThreshold(SHIPPED);
        List<Path> photos;
        try (Stream<Path> s = Files.list(Path.of(args[0]))) {
            photos = s.filter(p -> p.toString().endsWith(".jpg")).sorted().limit(8).toList();
        }
        for (Path p : photos) {
            BufferedImage im = ImagePreprocessor.decode(p);
            byte[] q = finder.outputTensor(finder.inputTensor(ImagePreprocessor.toRgb(im), im.getWidth(),
                    im.getHeight()));
            add(cases, "scene " + p.getFileName() + " at the card's threshold", im.getWidth(), im.getHeight(),
                    cardThreshold, q);
            add(cases, "scene " + p.getFileName() + " at 0.5", im.getWidth(), im.getHeight(), 0.5, q);
        }
        byte[] empty = filled(-128);
        add(cases, "empty grid", 320, 240, 0.7, empty);
        byte[] plateau = filled(-128);
        face(plateau, 5, 5, 100, 120, 120, 30, 36);
        face(plateau, 6, 5, 100, 130, 120, 30, 36); // same score: the earlier cell in row-major order wins
        add(cases, "plateau of equal scores", 320, 240, 0.7, plateau);
        byte[] at = filled(-128);
        face(at, 3, 8, 64, 128, 128, 20, 24); // (64 + 128) / 256 = 0.75, exactly the threshold: kept
        face(at, 12, 8, 63, 128, 128, 20, 24); // one step below: dropped
        add(cases, "at and below the threshold", 240, 320, 0.75, at);
        byte[] overlap = filled(-128);
        face(overlap, 4, 4, 120, 200, 100, 60, 70); // big box
        face(overlap, 6, 4, 110, 40, 100, 60, 70); // two cells on, overlapping: suppressed by NMS
        face(overlap, 13, 12, 90, 128, 128, 16, 20); // far away, small: kept
        face(overlap, 13, 1, 95, 128, 128, 17, 20); // in the letterbox's padding: an empty box after clipping
        add(cases, "NMS and a box in the padding", 320, 213, 0.7, overlap);
        byte[] two = filled(-128);
        face(two, 2, 7, 100, 128, 128, 40, 48); // the larger score, far from the centre
        face(two, 9, 8, 60, 128, 128, 39, 47); // within 10 % of the largest area and nearer the centre: main
        face(two, 12, 3, 110, 128, 128, 30, 36); // clearly smaller
        add(cases, "main face: as large within 10 %, nearest the centre", 320, 240, 0.7, two);
        byte[] edge = filled(-128);
        face(edge, 0, 0, 127, 0, 0, 80, 90); // off the top-left corner: clipped to the frame
        face(edge, 15, 15, 126, 255, 255, 70, 90);
        add(cases, "clipped at the frame edges", 300, 300, 0.7, edge);
        Files.writeString(FILE, om.writeValueAsString(root) + "\n");
        System.out.println("wrote " + cases.size() + " cases to " + FILE);
    }

    /** Sets one cell: score and the other channels as raw int8 (offset/size as raw 0..255 minus 128). */
    private static void face(byte[] q, int x, int y, int score, int dx, int dy, int w, int h) {
        int i = (y * FinderSpec.GRID + x) * FinderSpec.CHANNELS;
        q[i] = (byte) score;
        q[i + 1] = (byte) (dx - 128);
        q[i + 2] = (byte) (dy - 128);
        q[i + 3] = (byte) (w - 128);
        q[i + 4] = (byte) (h - 128);
    }

    private static byte[] filled(int v) {
        byte[] q = new byte[N];
        java.util.Arrays.fill(q, (byte) v);
        return q;
    }

    /** The shipped finder's output tensor: the quantisation the grids are recorded in. */
    static TensorInfo output() throws IOException, ModelFormatException {
        return new Interpreter(TfliteModel.read(SHIPPED)).output();
    }

    /** What the door pipeline makes of a grid: boxes in the frame's pixels and the main face's index. */
    record Decoded(List<Detection> faces, Optional<Integer> main) {
    }

    /** The production steps after the network (NetFinder.faces with the shipped finder's output quantisation),
     * then MainFace. */
    static Decoded decode(byte[] grid, int w, int h, double threshold) throws IOException, ModelFormatException {
        NetFinder finder = new NetFinder(TfliteModel.read(SHIPPED), new FinderDecoder(threshold,
                FinderDecoder.DEFAULT_NMS_IOU), "vectors");
        List<Detection> faces = finder.faces(grid, w, h);
        return new Decoded(faces, MainFace.choose(faces.stream().map(Detection::box).toList(), w, h));
    }

    private static void add(ArrayNode cases, String name, int w, int h, double threshold, byte[] raw)
            throws IOException, ModelFormatException {
        Decoded d = decode(raw, w, h, threshold);
        ObjectNode c = cases.addObject();
        c.put("name", name);
        c.putArray("frame").add(w).add(h);
        c.put("threshold", threshold);
        c.put("q", java.util.HexFormat.of().formatHex(raw)); // int8 two's complement, row-major [16][16][5]
        ArrayNode boxes = c.putArray("faces");
        for (Detection det : d.faces()) {
            Box b = det.box();
            boxes.addArray().add(b.x0()).add(b.y0()).add(b.x1()).add(b.y1()).add(det.score());
        }
        if (d.main().isPresent()) {
            c.put("main", d.main().get());
            java.awt.Rectangle r = SquareCrop.of(d.faces().get(d.main().get()).box(), w, h, SquareCrop.DEFAULT_MARGIN);
            c.putArray("crop").add(r.x).add(r.y).add(r.width).add(r.height);
        } else {
            c.putNull("main");
            c.putNull("crop");
        }
    }
}
