package io.maskgate.service.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.maskgate.service.ota.OtaProperties;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.stereotype.Component;

/**
 * Registers the shipped model ({@code models/maskgate-tiny-v2} by default, the version its model card names) at first
 * start, through the same gate as any upload, so a fresh fleet has a READY version to roll back to. Its float
 * SavedModel ({@code saved_model/}) goes into the registry with it, so re-verification of its decisions works from
 * the registry alone. A row registered before the float model was stored keeps no float zip (rows are immutable):
 * the verifier then falls back to the models folder.
 */
@Component
class ShippedModel implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(ShippedModel.class);

    private final ModelRegistry registry;
    private final OtaProperties properties;
    private final ObjectMapper json;

    ShippedModel(ModelRegistry registry, OtaProperties properties, ObjectMapper json) {
        this.registry = registry;
        this.properties = properties;
        this.json = json;
    }

    @Override
    public void run(ApplicationArguments args) {
        Path dir = properties.shippedModel();
        if (dir == null || !Files.isRegularFile(dir.resolve("model.tflite"))) {
            log.info("No shipped model at {}; the registry starts empty", dir);
            return;
        }
        try {
            ModelFolder folder = ModelFolder.read(dir, json);
            if (registry.list().stream().anyMatch(m -> m.version().equals(folder.version()))) {
                return;
            }
            ModelRegistry.Published p = registry.publish("system", folder.version(), folder.tflite(),
                    folder.floatZip(), folder.labels(), folder.card(), null);
            log.info("Registered the shipped model {}: {}", folder.version(), p.report().passed() ? "READY"
                    : "REFUSED by the gate: " + p.report().refusal());
        } catch (IOException | RuntimeException e) {
            log.warn("Could not register the shipped model from {}: {}", dir, e.getMessage());
        }
    }

    /** A model folder as the trainer writes it. */
    record ModelFolder(String version, byte[] tflite, String labels, String card, byte[] floatZip) {
        static ModelFolder read(Path dir, ObjectMapper json) throws IOException {
            Path savedModel = dir.resolve("saved_model");
            byte[] floatZip = Files.isRegularFile(savedModel.resolve(FloatModelZip.SAVED_MODEL))
                    ? FloatModelZip.zip(savedModel) : null;
            byte[] tflite = Files.readAllBytes(dir.resolve("model.tflite"));
            String labels = Files.readString(dir.resolve("labels.txt"));
            Path cardFile = dir.resolve("model-card.json");
            String card = Files.isRegularFile(cardFile) ? Files.readString(cardFile) : null;
            String version = dir.getFileName().toString();
            if (card != null) {
                JsonNode name = json.readTree(card).get("name");
                if (name != null && name.isTextual()) {
                    version = name.asText();
                }
            }
            return new ModelFolder(version, tflite, labels, card, floatZip);
        }
    }
}
