package io.maskgate.firmware;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The camera boots (main.py under MicroPython) with a model whose manifest needs more memory than the H7 has:
 * the firmware refuses it before the ml module loads anything and says why on its console.
 */
class FirmwareMemoryBudgetTest {

    @TempDir
    Path tmp;

    @Test
    void overBudgetModelIsRefusedBeforeItIsLoaded() throws Exception {
        MicroPythonHost.require();
        MicroPythonHost.requireDataAndTflm();
        Path flash = Flash.create(tmp.resolve("flash"), Map.of("unit_id", "budget-unit", "door_id", "budget-door",
                "key", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "broker_host", "127.0.0.1", "broker_port", 9));
        ObjectMapper json = new ObjectMapper();
        ObjectNode manifest = (ObjectNode) json.readTree(flash.resolve("model.json").toFile());
        manifest.put("arenaBytes", 200 * 1024); // 55 KB file + 200 KB arena > the H7's 230 KB
        json.writeValue(flash.resolve("model.json").toFile(), manifest);

        MicroPythonHost.Result r = MicroPythonHost.run(List.of("run", "--flash", flash.toString(), "--frames",
                MicroPythonHost.DATA.resolve("observations/mask").toString(), "--max-frames", "5"), 300);
        assertEquals(3, r.exit(), "the boot must stop with the refusal:\n" + r.output());
        assertTrue(r.output().contains("maskgate: model refused: over budget on OPENMV_H7: model file + tensor arena "
                + "needs 259808 bytes, limit 235520"), r.output());
        assertTrue(r.events().stream().noneMatch(e -> e.contains("\"ml-load\"")), "the model was loaded:\n" + r.output());
        assertTrue(r.events().stream().anyMatch(e -> e.contains("\"inferences\":0")), "no inference ran");
    }
}
