package io.maskgate.agent.door;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A field of the {@code model-card.json} beside a model file. A model's calibrated settings (a classifier's door
 * minimum, a finder's decoder threshold) live in its card, so commands that are given only the model file take
 * their defaults from there; each caller checks the value's type and range.
 */
final class ModelCardField {
    private ModelCardField() {
    }

    /** The field at {@code path} (nested names), empty without a card or without the field. */
    static Optional<JsonNode> read(Path model, String... path) throws IOException {
        Path card = card(model);
        if (!Files.isRegularFile(card)) {
            return Optional.empty();
        }
        JsonNode n;
        try {
            n = new ObjectMapper().readTree(card.toFile());
        } catch (JacksonException e) {
            throw new IOException("model card is not JSON: " + card + ": " + e.getOriginalMessage());
        }
        for (String name : path) {
            n = n.path(name);
        }
        return n.isMissingNode() ? Optional.empty() : Optional.of(n);
    }

    static Path card(Path model) {
        return model.toAbsolutePath().resolveSibling("model-card.json");
    }
}
