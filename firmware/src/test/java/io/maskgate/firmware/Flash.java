package io.maskgate.firmware;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A camera's flash as a folder, filled as a person fills a real camera (firmware/README.md): the firmware's .py
 * files copied byte for byte, the shipped model and face finder with their manifests, and a config.json.
 */
final class Flash {

    private Flash() {
    }

    static Path create(Path dir, Map<String, Object> config) throws IOException {
        Files.createDirectories(dir);
        try (Stream<Path> files = Files.list(MicroPythonHost.FIRMWARE)) {
            for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".py"))::iterator) {
                Files.copy(f, dir.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        Files.copy(MicroPythonHost.FIRMWARE.resolve("model.json"), dir.resolve("model.json"),
                StandardCopyOption.REPLACE_EXISTING);
        Files.copy(MicroPythonHost.SHIPPED_MODEL, dir.resolve("model.tflite"), StandardCopyOption.REPLACE_EXISTING);
        Files.copy(MicroPythonHost.FIRMWARE.resolve("finder.json"), dir.resolve("finder.json"),
                StandardCopyOption.REPLACE_EXISTING);
        Files.copy(MicroPythonHost.SHIPPED_FINDER, dir.resolve("finder.tflite"), StandardCopyOption.REPLACE_EXISTING);
        Map<String, Object> cfg = new LinkedHashMap<>(new ObjectMapper().readValue(
                MicroPythonHost.FIRMWARE.resolve("config.example.json").toFile(), Map.class));
        cfg.putAll(config);
        new ObjectMapper().writeValue(dir.resolve("config.json").toFile(), cfg);
        return dir;
    }

    /** Removes the face finder: the firmware then uses the Haar cascade (the emulator's stand-in: a face crop's
     * whole image, a scene's annotated boxes), for tests about the classifier on face-crop frames. */
    static Path withoutFinder(Path flash) throws IOException {
        Files.delete(flash.resolve("finder.tflite"));
        return flash;
    }
}
