package io.maskgate.agent.door;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.maskgate.tinyml.finder.Box;
import io.maskgate.tinyml.finder.Detection;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The door pipeline's finding steps (decode the grid, map through the letterbox, choose the main face) against
 * device-agent/test-vectors/door-finder.json, the file the firmware's mirror runs too: if the Java rules change,
 * this fails until the vectors are rewritten (DoorFinderVectors) and the firmware follows.
 */
class DoorFinderVectorsTest {

    @Test
    void javaDecodesEveryVectorAsRecorded() throws Exception {
        JsonNode root = new ObjectMapper().readTree(Path.of("test-vectors", "door-finder.json").toFile());
        var out = DoorFinderVectors.output(); // the firmware dequantises with the file's figures: they must be the model's
        assertEquals(out.scale(), root.get("outputScale").asDouble());
        assertEquals(out.zeroPoint(), root.get("outputZeroPoint").asInt());
        int cases = 0;
        int facesSeen = 0;
        for (JsonNode c : root.get("cases")) {
            byte[] raw = java.util.HexFormat.of().parseHex(c.get("q").asText());
            assertEquals(DoorFinderVectors.N, raw.length);
            DoorFinderVectors.Decoded d = DoorFinderVectors.decode(raw, c.get("frame").get(0).asInt(),
                    c.get("frame").get(1).asInt(), c.get("threshold").asDouble());
            String name = c.get("name").asText();
            assertEquals(c.get("faces").size(), d.faces().size(), name);
            for (int i = 0; i < d.faces().size(); i++) {
                Detection det = d.faces().get(i);
                Box b = det.box();
                JsonNode e = c.get("faces").get(i);
                double[] got = {b.x0(), b.y0(), b.x1(), b.y1(), det.score()};
                for (int k = 0; k < 5; k++) {
                    assertEquals(e.get(k).asDouble(), got[k], 1e-9, name + " face " + i);
                }
            }
            assertEquals(c.get("main").isNull() ? -1 : c.get("main").asInt(), d.main().orElse(-1), name);
            if (d.main().isPresent()) {
                java.awt.Rectangle r = SquareCrop.of(d.faces().get(d.main().get()).box(), c.get("frame").get(0).asInt(),
                        c.get("frame").get(1).asInt(), root.get("margin").asDouble());
                JsonNode e = c.get("crop");
                assertEquals(java.util.List.of(e.get(0).asInt(), e.get(1).asInt(), e.get(2).asInt(), e.get(3).asInt()),
                        java.util.List.of(r.x, r.y, r.width, r.height), name + " crop");
            }
            cases++;
            facesSeen += d.faces().size();
        }
        assertTrue(cases >= 20 && facesSeen >= 20, cases + " cases, " + facesSeen + " faces");
    }
}
