package io.maskgate.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.maskgate.tinyml.facts.ModelFacts;
import io.maskgate.tinyml.image.ImagePreprocessor;
import io.maskgate.tinyml.interpreter.Interpreter;
import io.maskgate.tinyml.model.TfliteModel;
import io.maskgate.trainer.data.DataPaths;
import io.maskgate.trainer.data.Label;
import io.maskgate.trainer.report.Metrics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The shipped int8 model, evaluated now by tinyml (its image preprocessor reading the JPEG files, its
 * interpreter) on facemask-12k test, must reproduce the figures its model card records, and meet the budgets.
 */
class ShippedModelIT {
    static final Path DIR = DataPaths.repoRoot().resolve("models/maskgate-tiny-v1");

    @Test
    void tinymlReproducesTheModelCardOnTheTestSplit() throws Exception {
        JsonNode card = new ObjectMapper().readTree(DIR.resolve("model-card.json").toFile());
        TfliteModel model = TfliteModel.read(DIR.resolve("model.tflite"));
        Interpreter interpreter = new Interpreter(model);
        ImagePreprocessor pre = new ImagePreprocessor(interpreter.input());
        Path test = DataPaths.facemask("test");
        List<Integer> truth = new ArrayList<>();
        List<Integer> predicted = new ArrayList<>();
        for (Label label : Label.values()) {
            try (Stream<Path> files = Files.list(test.resolve(label.folder()))) {
                for (Path f : files.sorted().toList()) {
                    byte[] out = interpreter.invoke(pre.preprocess(f));
                    float p = interpreter.output().dequantize(out[0]);
                    truth.add(label.value());
                    predicted.add(p >= 0.5f ? 1 : 0);
                }
            }
        }
        Metrics m = Metrics.of(truth.stream().mapToInt(Integer::intValue).toArray(),
                predicted.stream().mapToInt(Integer::intValue).toArray());
        JsonNode recorded = card.get("metrics").get("int8Test");
        assertEquals(recorded.get("images").asInt(), m.total());
        assertEquals(recorded.get("truePositive").asInt(), m.truePositive());
        assertEquals(recorded.get("falsePositive").asInt(), m.falsePositive());
        assertEquals(recorded.get("trueNegative").asInt(), m.trueNegative());
        assertEquals(recorded.get("falseNegative").asInt(), m.falseNegative());
        assertEquals(recorded.get("accuracy").asDouble(), m.accuracy(), 1e-12);
        assertEquals(recorded.get("maskF1").asDouble(), m.maskF1(), 1e-12);
        assertEquals(recorded.get("noMaskF1").asDouble(), m.noMaskF1(), 1e-12);
        assertTrue(m.accuracy() >= 0.99, "int8 test accuracy " + m.accuracy());
    }

    @Test
    void shippedModelMeetsTheDoorUnitBudgets() throws Exception {
        JsonNode card = new ObjectMapper().readTree(DIR.resolve("model-card.json").toFile());
        TfliteModel model = TfliteModel.read(DIR.resolve("model.tflite"));
        ModelFacts facts = ModelFacts.of(model);
        long bytes = Files.size(DIR.resolve("model.tflite"));
        assertTrue(bytes <= 138 * 1024, "model.tflite " + bytes + " bytes");
        assertEquals(bytes, card.get("sizes").get("int8TfliteBytes").asLong());
        assertTrue(facts.params() <= 128_193, "params " + facts.params());
        assertEquals(card.get("parameters").asLong(), facts.params());
        assertTrue(115e6 / facts.macs() >= 30, "estimated H7 FPS for " + facts.macs() + " MACs");
        assertTrue(facts.arenaBytes() + bytes <= 400 * 1024, "arena " + facts.arenaBytes() + " + model " + bytes);
        Set<String> openMvOps = Set.of("CONV_2D", "DEPTHWISE_CONV_2D", "MAX_POOL_2D", "AVERAGE_POOL_2D", "MEAN",
                "FULLY_CONNECTED", "RESHAPE", "LOGISTIC", "SOFTMAX", "ADD", "CONCATENATION");
        assertTrue(openMvOps.containsAll(facts.ops()), "ops " + facts.ops());
        assertTrue(card.get("metrics").get("int8FloatAgreementTest").asDouble() >= 0.995);
        assertEquals("no_mask\nmask\n", Files.readString(DIR.resolve("labels.txt")));
        assertTrue(Files.isRegularFile(DIR.resolve("saved_model/saved_model.pb")));
    }
}
