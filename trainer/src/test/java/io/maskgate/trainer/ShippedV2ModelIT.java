package io.maskgate.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.maskgate.tinyml.facts.ModelFacts;
import io.maskgate.tinyml.image.ImagePreprocessor;
import io.maskgate.tinyml.interpreter.Interpreter;
import io.maskgate.tinyml.model.TfliteModel;
import io.maskgate.trainer.data.DataPaths;
import io.maskgate.trainer.report.door.ScoredModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The shipped v2 model, run now by tinyml (its preprocessor reading the JPEGs, TFLM arithmetic) on every visible
 * set, must reproduce the door figures its model card records, meet the door unit's budget, and beat v1 on every
 * visible set as recorded in v1's card.
 */
class ShippedV2ModelIT {
    static final Path DIR = DataPaths.repoRoot().resolve("models/maskgate-tiny-v2");
    static final Path V1 = DataPaths.repoRoot().resolve("models/maskgate-tiny-v1");

    private static JsonNode card(Path dir) throws Exception {
        return new ObjectMapper().readTree(dir.resolve("model-card.json").toFile());
    }

    /** Folder of a recorded set: "ilc-2021/val/incorrect" holds only incorrect faces, others mask/ and no_mask/. */
    private static int[] recount(Interpreter it, ImagePreprocessor pre, String set, int threshold) throws Exception {
        Path root = DataPaths.datasets().resolve(set);
        boolean incorrect = set.endsWith("/incorrect");
        int[] c = new int[6]; // mask, noMask, maskRight, noMaskRight, falseUnlocks, falseRefusals
        for (String cls : incorrect ? List.of("") : List.of("mask", "no_mask")) {
            boolean mask = cls.equals("mask");
            try (Stream<Path> files = Files.list(cls.isEmpty() ? root : root.resolve(cls))) {
                for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                    float p = it.output().dequantize(it.invoke(pre.preprocess(f))[0]);
                    int score = ScoredModel.perMille(p);
                    c[mask ? 0 : 1]++;
                    if (mask) {
                        c[2] += p >= 0.5f ? 1 : 0;
                        c[5] += score < threshold ? 1 : 0;
                    } else {
                        c[3] += p >= 0.5f ? 0 : 1;
                        c[4] += score >= threshold ? 1 : 0;
                    }
                }
            }
        }
        return c;
    }

    @Test
    void tinymlReproducesTheCardsDoorFiguresOnEverySet() throws Exception {
        assumeTrue(Files.isRegularFile(DIR.resolve("model.tflite")), "v2 not shipped");
        JsonNode door = card(DIR).get("door");
        int threshold = door.get("defaultMinScore").asInt();
        Interpreter it = new Interpreter(TfliteModel.read(DIR.resolve("model.tflite")));
        ImagePreprocessor pre = new ImagePreprocessor(it.input());
        int checked = 0;
        for (JsonNode s : door.get("int8")) {
            String set = s.get("set").asText();
            int[] c = recount(it, pre, set, s.get("doorThreshold").asInt());
            assertEquals(threshold, s.get("doorThreshold").asInt(), set);
            assertEquals(s.get("mask").asInt(), c[0], set + " mask");
            assertEquals(s.get("noMask").asInt(), c[1], set + " no_mask");
            assertEquals(s.get("falseUnlocks").asInt(), c[4], set + " false unlocks");
            assertEquals(s.get("falseRefusals").asInt(), c[5], set + " false refusals");
            assertEquals(s.get("accuracy").asDouble(), (double) (c[2] + c[3]) / (c[0] + c[1]), 1e-12, set);
            checked++;
        }
        assertTrue(checked >= 5, "sets in the card: " + checked);
    }

    @Test
    void v2MeetsTheBudgetAndBeatsV1OnEveryVisibleSet() throws Exception {
        assumeTrue(Files.isRegularFile(DIR.resolve("model.tflite")), "v2 not shipped");
        JsonNode card = card(DIR);
        ModelFacts facts = ModelFacts.of(TfliteModel.read(DIR.resolve("model.tflite")));
        long bytes = Files.size(DIR.resolve("model.tflite"));
        assertTrue(facts.params() <= 128_193, "params " + facts.params());
        assertTrue(bytes <= 138 * 1024, "model.tflite " + bytes + " bytes");
        assertTrue(facts.macs() <= 3_800_000, "MACs " + facts.macs());
        assertTrue(facts.arenaBytes() + bytes <= 230 * 1024, "arena " + facts.arenaBytes() + " + model " + bytes);
        assertTrue(Set.of("CONV_2D", "DEPTHWISE_CONV_2D", "MAX_POOL_2D", "MEAN", "FULLY_CONNECTED", "LOGISTIC")
                .containsAll(facts.ops()), "ops " + facts.ops());
        assertEquals("no_mask\nmask\n", Files.readString(DIR.resolve("labels.txt")));
        assertTrue(Files.isRegularFile(DIR.resolve("saved_model/saved_model.pb")));
        JsonNode v1 = card(V1).get("door").get("int8");
        for (JsonNode s : card.get("door").get("int8")) {
            if (!s.get("role").asText().equals("incorrect")) {
                for (JsonNode o : v1) {
                    if (o.get("set").asText().equals(s.get("set").asText())) {
                        assertTrue(s.get("balancedAccuracy").asDouble() > o.get("balancedAccuracy").asDouble(),
                                s.get("set").asText() + ": v2 " + s.get("balancedAccuracy") + " vs v1 "
                                        + o.get("balancedAccuracy"));
                    }
                }
                assertTrue(s.get("agreement").asDouble() >= 0.995, s.get("set") + " int8/float agreement");
            }
            if (s.get("set").asText().equals("facemask-12k/test")) {
                assertTrue(s.get("accuracy").asDouble() >= 0.99, "facemask-12k test " + s.get("accuracy"));
            }
        }
    }
}
