package io.maskgate.trainer.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageSetTest {
    @TempDir
    Path dir;

    static void jpeg(Path file) throws Exception {
        Files.createDirectories(file.getParent());
        ImageIO.write(new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB), "jpg", file.toFile());
    }

    @Test
    void loadsBothClasses() throws Exception {
        jpeg(dir.resolve("mask/a.jpg"));
        jpeg(dir.resolve("mask/b.jpg"));
        jpeg(dir.resolve("no_mask/c.jpg"));
        ImageSet s = ImageSet.load(dir);
        assertEquals(2, s.count(Label.MASK));
        assertEquals(1, s.count(Label.NO_MASK));
    }

    @Test
    void missingFolder() {
        DataException e = assertThrows(DataException.class, () -> ImageSet.load(dir.resolve("nope")));
        assertTrue(e.getMessage().contains("data folder not found"), e.getMessage());
    }

    @Test
    void missingOrEmptyClassFolder() throws Exception {
        jpeg(dir.resolve("mask/a.jpg"));
        DataException e = assertThrows(DataException.class, () -> ImageSet.load(dir));
        assertTrue(e.getMessage().contains("class folder missing") && e.getMessage().contains("no_mask"),
                e.getMessage());
        Files.createDirectories(dir.resolve("no_mask"));
        e = assertThrows(DataException.class, () -> ImageSet.load(dir));
        assertTrue(e.getMessage().contains("has no images"), e.getMessage());
    }

    @Test
    void unreadableImageIsNamed() throws Exception {
        jpeg(dir.resolve("mask/a.jpg"));
        Files.createDirectories(dir.resolve("no_mask"));
        Files.writeString(dir.resolve("no_mask/broken.jpg"), "not a jpeg");
        DataException e = assertThrows(DataException.class, () -> ImageSet.load(dir));
        assertTrue(e.getMessage().contains("unreadable image") && e.getMessage().contains("broken.jpg"),
                e.getMessage());
    }
}
