package io.maskgate.firmware;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.maskgate.tinyml.finder.FinderDecoder;
import io.maskgate.tinyml.finder.Letterbox;
import io.maskgate.tinyml.finder.NetFinder;
import io.maskgate.tinyml.image.ImagePreprocessor;
import io.maskgate.tinyml.interpreter.Arithmetic;
import io.maskgate.tinyml.interpreter.Interpreter;
import io.maskgate.tinyml.model.TfliteModel;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Acceptance: the firmware's int8 outputs on the shipped model equal tinyml's TFLM arithmetic exactly. The
 * firmware's own main loop runs under MicroPython on 120 observations images (60 mask, 60 no_mask); its emulated
 * `ml` module runs each input tensor the firmware's pipeline built (crop, area shrink to 32x32, Normalization,
 * quantisation) through TensorFlow Lite Micro with CMSIS-NN kernels and logs tensor and raw int8 output. tinyml
 * (Arithmetic.TFLM) must give the same int8 output for every one of those tensors. The same holds for the face
 * finder's grids on scene photos.
 */
class FirmwareInferenceMirrorTest {

    static final int PER_CLASS = 60;

    @TempDir
    Path tmp;

    @Test
    void firmwareInt8OutputsEqualTinymlTflmOnEveryFrame() throws Exception {
        MicroPythonHost.require();
        MicroPythonHost.requireDataAndTflm();
        List<String> frames = new ArrayList<>();
        for (String label : List.of("mask", "no_mask")) {
            try (Stream<Path> s = Files.list(MicroPythonHost.DATA.resolve("observations").resolve(label))) {
                s.sorted().limit(PER_CLASS).forEach(p -> frames.add(p.toString()));
            }
        }
        Path list = Files.write(tmp.resolve("frames.txt"), frames);
        Path flash = Flash.create(tmp.resolve("flash"), Map.of("unit_id", "mirror-unit", "door_id", "mirror-door",
                "key", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "broker_host", "127.0.0.1",
                "broker_port", 9, "wifi_ssid", "emulated"));
        Flash.withoutFinder(flash); // face crops: the whole frame is the face
        Path log = tmp.resolve("ml.jsonl");
        MicroPythonHost.Result r = MicroPythonHost.run(List.of("run", "--flash", flash.toString(), "--frames",
                // + 1: the boot takes a frame before the loop (the self-test frame of a pending model update)
                list.toString(), "--max-frames", String.valueOf(frames.size() + 1), "--ml-log", log.toString()), 900);
        assertEquals(0, r.exit(), r.output());

        Interpreter tinyml = new Interpreter(TfliteModel.read(MicroPythonHost.SHIPPED_MODEL), Arithmetic.TFLM);
        ObjectMapper json = new ObjectMapper();
        List<String> lines = Files.readAllLines(log);
        assertEquals(frames.size(), lines.size(), "one inference per loop frame (every face-crop frame has a face)");
        Set<String> distinctInputs = new HashSet<>();
        int compared = 0;
        int masked = 0;
        for (String line : lines) {
            JsonNode e = json.readTree(line);
            byte[] input = HexFormat.of().parseHex(e.get("input").asText());
            assertEquals(32 * 32 * 3, input.length);
            distinctInputs.add(e.get("input").asText());
            JsonNode out = e.get("outputs").get(0);
            byte[] camera = new byte[out.size()];
            for (int i = 0; i < camera.length; i++) {
                camera[i] = (byte) out.get(i).asInt();
            }
            assertArrayEquals(tinyml.invoke(input), camera, "frame " + e.get("frame").asText());
            compared++;
            masked += (camera[0] + 128) * 1000 / 256 >= 500 ? 1 : 0;
        }
        assertTrue(compared >= 100, "compared " + compared);
        assertTrue(distinctInputs.size() >= 100, "distinct input tensors: " + distinctInputs.size());
        Set<String> imagesSeen = new HashSet<>();
        lines.forEach(l -> imagesSeen.add(l.replaceAll(".*\"frame\":\"([^\"]+)\".*", "$1")));
        assertEquals(frames.size(), imagesSeen.size(), "every image went through the firmware once");
        assertTrue(masked > 0 && masked < compared, "the model said mask on " + masked + " of " + compared);
    }

    /**
     * The firmware's face finding on scene photos: every frame's letterboxed finder input goes through TFLM and
     * tinyml (Arithmetic.TFLM) must give the same int8 grid; the classifier runs on the crops of the faces the
     * firmware found and must agree too. (The door pipeline's decoding is checked by test_finder against the Java
     * vectors; the Java finder equals tflm-ref in FinderTflmCrossCheckIT.)
     */
    @Test
    void firmwareFinderAndClassifierOutputsEqualTinymlTflmOnScenes() throws Exception {
        MicroPythonHost.require();
        MicroPythonHost.requireDataAndTflm();
        List<String> frames;
        try (Stream<Path> s = Files.list(MicroPythonHost.DATA.resolve("ilc-2021-scenes").resolve("val"))) {
            frames = s.filter(p -> p.toString().endsWith(".jpg")).sorted().limit(SCENES).map(Path::toString).toList();
        }
        Path list = Files.write(tmp.resolve("scenes.txt"), frames);
        Path flash = Flash.create(tmp.resolve("flash"), Map.of("unit_id", "finder-unit", "door_id", "finder-door",
                "key", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "broker_host", "127.0.0.1",
                "broker_port", 9, "wifi_ssid", "emulated"));
        Path log = tmp.resolve("ml.jsonl");
        MicroPythonHost.Result r = MicroPythonHost.run(List.of("run", "--flash", flash.toString(), "--frames",
                list.toString(), "--max-frames", String.valueOf(frames.size() + 1), "--ml-log", log.toString()), 900);
        assertEquals(0, r.exit(), r.output());
        assertTrue(r.output().contains("maskgate: face finder maskgate-finder-v3"), r.output());

        Interpreter finder = new Interpreter(TfliteModel.read(MicroPythonHost.SHIPPED_FINDER), Arithmetic.TFLM);
        Interpreter classifier = new Interpreter(TfliteModel.read(MicroPythonHost.SHIPPED_MODEL), Arithmetic.TFLM);
        NetFinder javaFinder = new NetFinder(TfliteModel.read(MicroPythonHost.SHIPPED_FINDER),
                FinderDecoder.defaults(), "java");
        ObjectMapper json = new ObjectMapper();
        double threshold = json.readTree(MicroPythonHost.FIRMWARE.resolve("finder.json").toFile()).get("threshold")
                .asDouble();
        int qThreshold = (int) Math.ceil(threshold * 256) - 128; // output scale 1/256, zero point -128
        int grids = 0;
        int crops = 0;
        long faceCells = 0;
        double worstMeanDiff = 0;
        for (String line : Files.readAllLines(log)) {
            JsonNode e = json.readTree(line);
            byte[] input = HexFormat.of().parseHex(e.get("input").asText());
            JsonNode out = e.get("outputs").get(0);
            byte[] camera = new byte[out.size()];
            for (int i = 0; i < camera.length; i++) {
                camera[i] = (byte) out.get(i).asInt();
            }
            if (input.length == 128 * 128 * 3) {
                String frame = e.get("frame").asText();
                assertArrayEquals(finder.invoke(input), camera, "finder, frame " + frame);
                grids++;
                for (int i = 0; i < camera.length; i += 5) {
                    faceCells += camera[i] >= qThreshold ? 1 : 0;
                }
                // the firmware's letterbox is the Java pipeline's: the same geometry (the padding equal value for
                // value) and the same picture up to the emulator's integer area resize
                BufferedImage img = ImagePreprocessor.decode(MicroPythonHost.DATA.resolve(frame));
                byte[] expected = javaFinder.inputTensor(ImagePreprocessor.toRgb(img), img.getWidth(), img.getHeight());
                Letterbox lb = Letterbox.of(img.getWidth(), img.getHeight(), 128);
                long diff = 0;
                for (int y = 0; y < 128; y++) {
                    for (int x = 0; x < 128; x++) {
                        boolean pad = x < lb.offsetX() || x >= lb.offsetX() + lb.scaledWidth() || y < lb.offsetY()
                                || y >= lb.offsetY() + lb.scaledHeight();
                        for (int c = 0; c < 3; c++) {
                            int k = (y * 128 + x) * 3 + c;
                            if (pad) {
                                assertEquals(expected[k], input[k], "padding at " + x + "," + y + " of " + frame);
                            }
                            diff += Math.abs(expected[k] - input[k]);
                        }
                    }
                }
                double meanDiff = (double) diff / input.length;
                worstMeanDiff = Math.max(worstMeanDiff, meanDiff);
                assertTrue(meanDiff <= 2.0, "letterbox of " + frame + " differs by " + meanDiff + " on average");
            } else {
                assertEquals(32 * 32 * 3, input.length);
                assertArrayEquals(classifier.invoke(input), camera, "classifier");
                crops++;
            }
        }
        assertEquals(frames.size(), grids, "one finder run per loop frame");
        assertTrue(faceCells >= SCENES / 4, "cells at the finder's threshold: " + faceCells);
        System.out.printf("firmware finder: %d grids, %d crops, %d cells >= %.2f, worst mean |input diff| %.3f%n",
                grids, crops, faceCells, threshold, worstMeanDiff);
        assertTrue(crops >= SCENES / 2 && crops <= grids, "classifier runs on found faces: " + crops);
    }

    static final int SCENES = 40;

    @Test
    void firmwareModelManifestDescribesTheShippedModel() throws Exception {
        JsonNode m = new ObjectMapper().readTree(MicroPythonHost.FIRMWARE.resolve("model.json").toFile());
        byte[] model = Files.readAllBytes(MicroPythonHost.SHIPPED_MODEL);
        assertEquals(model.length, m.get("bytes").asInt());
        assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(model)),
                m.get("sha256").asText());
        Interpreter tinyml = new Interpreter(TfliteModel.read(MicroPythonHost.SHIPPED_MODEL));
        // TFLM's arena (tflm-ref) is larger than tinyml's planner: kernels' scratch and TFLM's bookkeeping
        assertTrue(m.get("arenaBytes").asInt() >= tinyml.arenaBytes(), "arena " + m.get("arenaBytes"));
        JsonNode f = new ObjectMapper().readTree(MicroPythonHost.FIRMWARE.resolve("finder.json").toFile());
        byte[] finder = Files.readAllBytes(MicroPythonHost.SHIPPED_FINDER);
        assertEquals(finder.length, f.get("bytes").asInt());
        assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(finder)),
                f.get("sha256").asText());
        assertTrue(f.get("arenaBytes").asInt() >= new Interpreter(TfliteModel.read(MicroPythonHost.SHIPPED_FINDER))
                .arenaBytes(), "finder arena " + f.get("arenaBytes"));
        JsonNode card = new ObjectMapper().readTree(MicroPythonHost.SHIPPED_FINDER.resolveSibling("model-card.json")
                .toFile());
        assertEquals(card.get("decoderThreshold").asDouble(), f.get("threshold").asDouble(),
                "the camera finds faces at the threshold the Java pipeline takes from the card");
    }
}
