package io.maskgate.tinyml.finder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Haar evaluator on a hand-made one-stage cascade whose single feature is "left half darker than right
 * half" (8x8 window): it must fire on such a pattern at the right place and scale, and nowhere on a flat image.
 */
class HaarCascadeTest {
    private static final String CASCADE = """
            <?xml version="1.0"?>
            <opencv_storage>
            <cascade type_id="opencv-cascade-classifier"><stageType>BOOST</stageType>
              <featureType>HAAR</featureType>
              <height>8</height>
              <width>8</width>
              <stageNum>1</stageNum>
              <stages>
                <_>
                  <maxWeakCount>1</maxWeakCount>
                  <stageThreshold>0.</stageThreshold>
                  <weakClassifiers>
                    <_>
                      <internalNodes>
                        0 -1 0 0.1</internalNodes>
                      <leafValues>
                        -1. 1.</leafValues></_></weakClassifiers></_></stages>
              <features>
                <_>
                  <rects>
                    <_>
                      0 0 4 8 -1.</_>
                    <_>
                      4 0 4 8 1.</_></rects></_></features></cascade>
            </opencv_storage>
            """;

    @TempDir
    Path dir;

    private HaarCascade cascade() throws IOException {
        Path xml = dir.resolve("c.xml");
        Files.writeString(xml, CASCADE);
        return HaarCascade.read(xml);
    }

    @Test
    void readsTheCascade() throws IOException {
        HaarCascade c = cascade();
        assertEquals(8, c.width());
        assertEquals(8, c.height());
        assertEquals(1, c.stageCount());
    }

    @Test
    void findsAnEdgePatternAndNothingOnAFlatImage() throws IOException {
        int w = 64;
        int h = 48;
        float[] flat = new float[w * h * 3];
        java.util.Arrays.fill(flat, 120f);
        HaarFinder finder = new HaarFinder(cascade(), 1.25, 1);
        assertTrue(finder.find(flat, w, h).isEmpty());

        float[] img = flat.clone();
        // a 16x16 patch at (20, 10): left half black, right half white
        for (int y = 10; y < 26; y++) {
            for (int x = 20; x < 36; x++) {
                float v = x < 28 ? 0f : 255f;
                for (int c = 0; c < 3; c++) {
                    img[(y * w + x) * 3 + c] = v;
                }
            }
        }
        List<Detection> found = finder.find(img, w, h);
        assertTrue(found.stream().anyMatch(d -> d.box().iou(new Box(20, 10, 36, 26)) >= 0.3), found.toString());
    }

    @Test
    void rejectsFilesThatAreNotCascades() throws IOException {
        Path bad = dir.resolve("bad.xml");
        Files.writeString(bad, "<opencv_storage><other/></opencv_storage>");
        assertThrows(IOException.class, () -> HaarCascade.read(bad));
        Path notXml = dir.resolve("x.xml");
        Files.writeString(notXml, "not xml");
        assertThrows(IOException.class, () -> HaarCascade.read(notXml));
    }
}
