package io.maskgate.agent.ota;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/**
 * Slots on disk: {@code dir/slot-A/model.tflite} + {@code manifest.json} + {@code version}, and {@code state.json}.
 * Every file is written to a temporary name and moved into place, so a power cut leaves the old content or the new,
 * never half; a slot is erased (manifest first) before a download starts.
 */
public final class FileSlotStorage implements SlotStorage {

    private final Path dir;
    private final ObjectMapper json = new ObjectMapper();

    public FileSlotStorage(Path dir) throws IOException {
        this.dir = Files.createDirectories(dir);
    }

    @Override
    public Optional<Slot> read(String slot) throws IOException {
        Path d = dir.resolve("slot-" + slot);
        Path manifest = d.resolve("manifest.json");
        if (!Files.isRegularFile(manifest)) {
            return Optional.empty();
        }
        return Optional.of(new Slot(Files.readString(d.resolve("version")), Files.readAllBytes(d.resolve("model.tflite")),
                Files.readString(manifest)));
    }

    @Override
    public void write(String slot, Slot content) throws IOException {
        Path d = Files.createDirectories(dir.resolve("slot-" + slot));
        erase(slot);
        atomic(d.resolve("model.tflite"), content.model());
        atomic(d.resolve("version"), content.version().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        atomic(d.resolve("manifest.json"), content.manifest().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    @Override
    public void erase(String slot) throws IOException {
        Files.deleteIfExists(dir.resolve("slot-" + slot).resolve("manifest.json"));
    }

    @Override
    public State state() throws IOException {
        Path f = dir.resolve("state.json");
        return Files.isRegularFile(f) ? json.readValue(f.toFile(), State.class) : State.initial();
    }

    @Override
    public void save(State state) throws IOException {
        atomic(dir.resolve("state.json"), json.writeValueAsBytes(state));
    }

    private static void atomic(Path target, byte[] bytes) throws IOException {
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        Files.write(tmp, bytes);
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
