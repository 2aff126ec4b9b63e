package io.maskgate.agent.frames;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.maskgate.protocol.Label;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FolderFrameSourceTest {

    @TempDir
    Path dir;

    @Test
    void playsArriveStandLeaveForEachPersonAndLoops() throws IOException {
        image(dir.resolve("mask/a.png"));
        image(dir.resolve("no_mask/b.png"));
        Files.writeString(dir.resolve("notes.txt"), "not an image");
        FolderFrameSource source = new FolderFrameSource(dir, 3, 2, 7, true);
        assertEquals(2, source.imageCount());
        List<String> scene = new ArrayList<>();
        for (int i = 0; i < 15; i++) {
            Frame f = source.next();
            scene.add(f.hasFace() ? f.source() + ":" + f.truth() : "-");
        }
        // 2 empty, 3 of the first person, 2 empty, 3 of the second, then again
        String first = scene.get(2);
        String second = scene.get(7);
        assertEquals(List.of("-", "-", first, first, first, "-", "-", second, second, second, "-", "-", first, first,
                first), scene);
        assertTrue(List.of(first, second).containsAll(List.of("a.png:MASK", "b.png:NO_MASK")));
    }

    @Test
    void unreadableImagesAreSkippedNotFatal() throws IOException {
        image(dir.resolve("mask/good.png"));
        Files.writeString(dir.resolve("mask/broken.jpg"), "garbage");
        FolderFrameSource source = new FolderFrameSource(dir, 1, 0, 1, true);
        for (int i = 0; i < 4; i++) {
            Frame f = source.next();
            assertTrue(f.hasFace());
            assertEquals("good.png", f.source());
        }
        assertTrue(source.skipped() >= 1);
    }

    @Test
    void emptyOrMissingFoldersFailClearly() throws IOException {
        assertThrows(IOException.class, () -> new FolderFrameSource(dir.resolve("nope"), 1, 0, 1, true));
        assertThrows(IOException.class, () -> new FolderFrameSource(dir, 1, 0, 1, true));
        assertNull(FolderFrameSource.truthOf(dir.resolve("x.png")));
        assertEquals(Label.NO_MASK, FolderFrameSource.truthOf(dir.resolve("test/no_mask/x.png")));
    }

    private static void image(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        ImageIO.write(new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB), "png", file.toFile());
    }
}
