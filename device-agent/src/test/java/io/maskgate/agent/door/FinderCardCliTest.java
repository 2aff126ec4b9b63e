package io.maskgate.agent.door;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The card and the REPORT section come from the model files and evaluate-door JSON; the rest of REPORT stays. */
class FinderCardCliTest {
    @TempDir
    Path dir;

    private static Path repo() {
        Path d = Path.of("").toAbsolutePath();
        return Files.exists(d.resolve("mvnw")) ? d : d.getParent();
    }

    private static String eval(String finder, int found40, int falseDetections) {
        return "door pipeline: ...\n{\"finderSetting\":\"score >= 0.50\",\"finder\":\"" + finder + "\",\"classifier\":\"c\","
                + "\"photos\":10,\"detections\":12,\"falseDetections\":" + falseDetections + ",\"falsePerPhoto\":"
                + falseDetections / 10.0 + ",\"rule\":{\"n\":3,\"m\":5,\"threshold\":500,\"minScore\":700},"
                + "\"labels\":{\"mask\":{\"faces40\":8,\"found40\":" + found40 + ",\"faces20\":9,\"found20\":7,"
                + "\"classified\":7,\"classifiedRight\":6,\"classified40\":6,\"classifiedRight40\":5,\"mainFaces\":5,"
                + "\"unlocked\":4},\"no_mask\":{\"faces40\":4,\"found40\":2,\"faces20\":5,\"found20\":3,\"classified\":3,"
                + "\"classifiedRight\":3,\"classified40\":2,\"classifiedRight40\":2,\"mainFaces\":4,\"unlocked\":0},"
                + "\"incorrect\":{\"faces40\":0,\"found40\":0,\"faces20\":0,\"found20\":0,\"classified\":0,"
                + "\"classifiedRight\":0,\"classified40\":0,\"classifiedRight40\":0,\"mainFaces\":1,\"unlocked\":1}}}\n";
    }

    @Test
    void writesCardAndReplacesOnlyItsSection() throws Exception {
        Path finder = repo().resolve("models/maskgate-finder-v1/model.tflite");
        Path classifier = repo().resolve("models/maskgate-tiny-v1/model.tflite");
        Path fe = dir.resolve("f.txt");
        Path he = dir.resolve("h.txt");
        Files.writeString(fe, eval("model.tflite", 7, 1));
        Files.writeString(he, eval("haar", 3, 0));
        Path report = dir.resolve("REPORT.md");
        Files.writeString(report, "# report\n\nclassifier tables\n");
        Path out = dir.resolve("maskgate-finder-v1");
        FinderCardCli.write(finder, classifier, fe, he, out, report, null, null, null, null);
        FinderCardCli.write(finder, classifier, fe, he, out, report, null, null, "trained so", 0.85); // idempotent
        String text = Files.readString(report);
        assertTrue(text.startsWith("# report\n\nclassifier tables\n"));
        assertEquals(text.indexOf(FinderCardCli.BEGIN), text.lastIndexOf(FinderCardCli.BEGIN));
        assertTrue(text.contains("| maskgate-finder-v1 | mask | 87.5 % (7/8) |"), text);
        assertTrue(text.contains("| haar | mask | 37.5 % (3/8) |"), text);
        JsonNode card = new ObjectMapper().readTree(out.resolve("model-card.json").toFile());
        long macs = card.path("budgetWithClassifier").path("totalMacs").asLong();
        assertEquals(card.path("macs").asLong() + card.path("budgetWithClassifier").path("classifierMacs").asLong(), macs);
        assertEquals(Math.round(115e6 / macs * 10) / 10.0,
                card.path("budgetWithClassifier").path("estimatedOpenMvH7Fps").asDouble(), 1e-9);
        assertEquals(Files.size(finder), card.path("int8TfliteBytes").asLong());
        assertEquals("trained so", card.path("training").asText());
        assertEquals(0.85, card.path("decoderThreshold").asDouble());
        assertEquals(0.85, FinderLoader.cardThreshold(out.resolve("model.tflite")), "what loaders take");
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> FinderCardCli.write(finder,
                classifier, fe, he, out, report, null, null, null, 1.2));
    }
}
