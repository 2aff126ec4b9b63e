package io.maskgate.agent.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelLocatorTest {

    private static void model(Path home, String version) throws Exception {
        Path f = home.resolve("models").resolve(version).resolve("model.tflite");
        Files.createDirectories(f.getParent());
        Files.write(f, new byte[] {1});
    }

    @Test
    void prefersV2ThenV1ThenNothing(@TempDir Path home) throws Exception {
        assertTrue(ModelLocator.find(home, home.resolve("no-data")).isEmpty());
        model(home, "maskgate-tiny-v1");
        assertEquals("maskgate-tiny-v1", ModelLocator.find(home, null).orElseThrow().version());
        model(home, "maskgate-tiny-v2");
        ModelLocator.Located v2 = ModelLocator.find(home, null).orElseThrow();
        assertEquals("maskgate-tiny-v2", v2.version());
        assertEquals(home.resolve("models/maskgate-tiny-v2/model.tflite"), v2.file());
        assertEquals(1, v2.maskIndex());
    }
}
