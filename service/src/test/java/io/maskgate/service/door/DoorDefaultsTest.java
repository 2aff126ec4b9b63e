package io.maskgate.service.door;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.maskgate.service.model.ModelMutations;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.ClassPathResource;

/**
 * The default policy's minimum score is the shipped model's calibrated door threshold, so a new door refuses what
 * the model card says it refuses; the two cannot drift apart silently.
 */
class DoorDefaultsTest {

    @Test
    void applicationDefaultIsTheShippedModelsCalibratedThreshold() throws Exception {
        List<PropertySource<?>> yml = new YamlPropertySourceLoader().load("application",
                new ClassPathResource("application.yml"));
        String raw = String.valueOf(yml.get(0).getProperty("maskgate.doors.default-min-score"));
        Matcher m = Pattern.compile("\\$\\{MASKGATE_DEFAULT_MIN_SCORE:(\\d+)}").matcher(raw);
        assertTrue(m.matches(), "maskgate.doors.default-min-score = " + raw);
        Path shipped = Path.of(String.valueOf(yml.get(0).getProperty("maskgate.ota.shipped-model"))
                .replace("${MASKGATE_HOME:.}", ModelMutations.repoRoot().toString()));
        assertEquals("maskgate-tiny-v2", shipped.getFileName().toString(), "the service registers v2 at first start");
        int calibrated = new ObjectMapper().readTree(shipped.resolve("model-card.json").toFile())
                .get("door").get("defaultMinScore").asInt();
        assertEquals(calibrated, Integer.parseInt(m.group(1)), "default-min-score vs " + shipped + "'s card");
    }

    @Test
    void theDefaultPolicyCarriesTheConfiguredScoreAndRefusesNonsense() {
        DoorPolicy p = new DoorProperties(950).defaultPolicy();
        assertEquals(PolicyMode.ENFORCE, p.mode());
        assertEquals(950, p.minScore());
        assertEquals(1, p.requiredFrames());
        assertThrows(IllegalArgumentException.class, () -> new DoorProperties(1001));
        assertThrows(IllegalArgumentException.class, () -> new DoorProperties(-1));
    }
}
