package io.maskgate.firmware;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model update on the unit (maskgate_slots: free slot, ranged 16 KB chunks, verify, activate, trial boot,
 * confirm) with a power cut at every step: the MicroPython process is killed (SIGKILL) just before each change
 * it would make to the flash. After every cut the camera boots main.py with a working model (the old one or the
 * new one, never none) that runs inferences, and the update run again resumes and ends with the new model
 * active after the next boot. Two processes per cut point (the cut, then boot + update + boot), three cut
 * points at a time.
 */
class FirmwarePowerCutTest {

    static final Pattern BOOTED = Pattern.compile("maskgate: model (\\S+) from slot (\\S+)");
    static final String OLD = "maskgate-tiny-v1";
    static final String NEW = "maskgate-tiny-v2-test";

    @TempDir
    Path tmp;

    @Test
    void aPowerCutAtAnyStepOfAnUpdateLeavesABootableUnitWithAWorkingModel() throws Exception {
        MicroPythonHost.require();
        MicroPythonHost.requireDataAndTflm();
        Path template = template(tmp.resolve("template"));
        String frames = MicroPythonHost.DATA.resolve("observations/mask").toString();

        // without a cut: how many flash changes the update makes (each is a cut point)
        Path whole = copy(template, tmp.resolve("whole"));
        MicroPythonHost.Result full = MicroPythonHost.run(List.of("run", "--flash", whole.toString(), "--script",
                script("update.py")), 300);
        assertEquals(0, full.exit(), full.output());
        assertTrue(full.output().contains("\"step\": \"activated\""), full.output());
        int steps = flashWrites(full.output());
        assertTrue(steps >= 10, "flash changes in an update: " + steps);

        // cut points are independent (each on its own copy of the flash): three at a time
        ExecutorService pool = Executors.newFixedThreadPool(3);
        List<Future<String>> results = new ArrayList<>();
        try {
            for (int step = 1; step <= steps; step++) {
                int k = step;
                results.add(pool.submit(() -> cutAndRestart(template, k, frames)));
            }
            List<String> bootedAfterCut = new ArrayList<>();
            for (Future<String> f : results) {
                try {
                    bootedAfterCut.add(f.get());
                } catch (ExecutionException e) {
                    throw e.getCause() instanceof AssertionError a ? a : new AssertionError(e.getCause());
                }
            }
            // the cut points span the switch: early cuts boot the old model, late ones the new one
            assertEquals(OLD, bootedAfterCut.get(0));
            assertEquals(NEW, bootedAfterCut.get(steps - 1));
        } finally {
            pool.shutdownNow();
        }
    }

    /** Cut before flash change k, then boot, update again, boot; returns the version the first boot loaded. */
    private String cutAndRestart(Path template, int k, String frames) throws Exception {
        Path flash = copy(template, tmp.resolve("cut-" + k));
        MicroPythonHost.Result cut = MicroPythonHost.run(List.of("run", "--flash", flash.toString(), "--script",
                script("update.py"), "--power-cut-after", String.valueOf(k)), 300);
        assertEquals(137, cut.exit(), "step " + k + " should have been cut:\n" + cut.output());
        assertTrue(cut.output().contains("\"power-cut\""), cut.output());
        // restart: boot main.py, then (as after another reboot) run the update again, then boot again
        MicroPythonHost.Result after = MicroPythonHost.run(List.of("run", "--flash", flash.toString(), "--script",
                script("boot_update_boot.py"), "--frames", frames, "--max-frames", "2"), 300);
        List<String> versions = booted(after, "restart after a cut at step " + k);
        assertEquals(2, versions.size(), after.output());
        assertTrue(versions.get(0).equals(OLD) || versions.get(0).equals(NEW), versions.toString());
        assertEquals(NEW, versions.get(1), "the update resumed after a cut at step " + k + ":\n" + after.output());
        return versions.get(0);
    }

    /** The model version each boot of the run loaded; every boot ran its loop (an inference per boot). */
    private static List<String> booted(MicroPythonHost.Result r, String what) {
        assertEquals(0, r.exit(), what + ": a boot failed:\n" + r.output());
        Matcher m = BOOTED.matcher(r.output());
        List<String> versions = new ArrayList<>();
        while (m.find()) {
            versions.add(m.group(1));
        }
        Matcher inferences = Pattern.compile("\"inferences\":(\\d+)").matcher(r.output());
        assertTrue(inferences.find() && Integer.parseInt(inferences.group(1)) >= versions.size() && !versions.isEmpty(),
                what + ": a booted model ran no inference:\n" + r.output());
        return versions;
    }

    private static int flashWrites(String output) {
        Matcher m = Pattern.compile("\"flashWrites\":(\\d+)").matcher(output);
        assertTrue(m.find(), output);
        return Integer.parseInt(m.group(1));
    }

    private static String script(String name) {
        return MicroPythonHost.TESTS.resolve("scenarios").resolve(name).toString();
    }

    /** A unit running the factory model, with a new version of it staged in incoming/ for the update. */
    private static Path template(Path dir) throws Exception {
        Flash.create(dir, Map.of("unit_id", "cut-unit", "door_id", "cut-door",
                "key", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "wifi_ssid", "emulated",
                "broker_host", "127.0.0.1", "broker_port", 9));
        Flash.withoutFinder(dir); // face-crop frames: every frame's inference is the classifier's
        Path incoming = Files.createDirectories(dir.resolve("incoming"));
        Files.copy(MicroPythonHost.SHIPPED_MODEL, incoming.resolve("model.tflite"));
        ObjectMapper json = new ObjectMapper();
        ObjectNode manifest = (ObjectNode) json.readTree(dir.resolve("model.json").toFile());
        manifest.put("version", NEW);
        json.writeValue(incoming.resolve("model.json").toFile(), manifest);
        return dir;
    }

    private static Path copy(Path from, Path to) throws Exception {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
        return to;
    }
}
