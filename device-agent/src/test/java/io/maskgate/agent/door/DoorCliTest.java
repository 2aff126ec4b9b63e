package io.maskgate.agent.door;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.maskgate.tinyml.cli.CommandLines;
import io.maskgate.tinyml.cli.CommandProbe;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code model evaluate-door} and {@code model finder-card}: --help loads no model and writes nothing. */
class DoorCliTest {
    @TempDir
    Path dir;

    private CommandProbe.Outcome evaluateDoor(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = EvaluateDoorCli.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new CommandProbe.Outcome(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void evaluateDoorHelpLoadsNoModel() {
        String missing = dir.resolve("missing.tflite").toString();
        String[] args = {"evaluate-door", "--finder", "haar", "--classifier", missing, "--data", dir.toString()};
        CommandProbe.Outcome help = evaluateDoor(append(args, "--help"));
        assertEquals(0, help.code(), help.err());
        assertTrue(help.out().startsWith("Usage: maskgate model evaluate-door") && help.out().contains("--min-score")
                && help.out().contains("--cascade") && help.err().isEmpty(), help.out() + help.err());
        // the control: the same command line without --help reaches call() and fails on the missing classifier
        CommandProbe.Outcome run = evaluateDoor(args);
        assertEquals(1, run.code());
        assertTrue(run.err().contains("classifier model not found"), run.err());
        CommandProbe.Outcome bad = evaluateDoor(append(args, "--n", "three"));
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("--n") && bad.err().contains("Usage: "), bad.err());
    }

    @Test
    void theDoorMinimumComesFromTheClassifiersCard() throws Exception {
        Path model = dir.resolve("m/model.tflite");
        java.nio.file.Files.createDirectories(model.getParent());
        assertEquals(EvaluateDoorCli.FALLBACK_MIN_SCORE, EvaluateDoorCli.defaultMinScore(model), "no card");
        Path card = model.resolveSibling("model-card.json");
        java.nio.file.Files.writeString(card, "{\"door\":{\"defaultMinScore\":912}}");
        assertEquals(912, EvaluateDoorCli.defaultMinScore(model));
        java.nio.file.Files.writeString(card, "{\"name\":\"x\"}");
        assertEquals(EvaluateDoorCli.FALLBACK_MIN_SCORE, EvaluateDoorCli.defaultMinScore(model), "card without one");
        for (String bad : new String[] {"4000", "935.5", "\"935\""}) {
            java.nio.file.Files.writeString(card, "{\"door\":{\"defaultMinScore\":" + bad + "}}");
            assertTrue(org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
                    () -> EvaluateDoorCli.defaultMinScore(model)).getMessage().contains("not a score"), bad);
        }
        java.nio.file.Files.writeString(card, "{door");
        assertTrue(org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
                () -> EvaluateDoorCli.defaultMinScore(model)).getMessage().contains("not JSON"));
        // the shipped classifier's card: the same value the service takes as a new door's minimum
        Path v2 = Path.of("..", "models", "maskgate-tiny-v2", "model.tflite");
        int card2 = new com.fasterxml.jackson.databind.ObjectMapper().readTree(v2.resolveSibling("model-card.json")
                .toFile()).get("door").get("defaultMinScore").asInt();
        assertEquals(card2, EvaluateDoorCli.defaultMinScore(v2));
    }

    @Test
    void aFindersThresholdComesFromItsCard() throws Exception {
        Path model = dir.resolve("f/model.tflite");
        java.nio.file.Files.createDirectories(model.getParent());
        double fallback = io.maskgate.tinyml.finder.FinderDecoder.DEFAULT_THRESHOLD;
        assertEquals(fallback, FinderLoader.cardThreshold(model), "no card");
        Path card = model.resolveSibling("model-card.json");
        java.nio.file.Files.writeString(card, "{\"decoderThreshold\":0.83}");
        assertEquals(0.83, FinderLoader.cardThreshold(model));
        java.nio.file.Files.writeString(card, "{\"threshold\":\"0.70, a note\"}");
        assertEquals(fallback, FinderLoader.cardThreshold(model), "v2's card: a note, no decoderThreshold");
        for (String bad : new String[] {"{\"decoderThreshold\":1.5}", "{\"decoderThreshold\":\"high\"}"}) {
            java.nio.file.Files.writeString(card, bad);
            assertTrue(org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
                    () -> FinderLoader.cardThreshold(model)).getMessage().contains("not in (0, 1)"), bad);
        }
        java.nio.file.Files.writeString(card, "[");
        assertTrue(org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
                () -> FinderLoader.cardThreshold(model)).getMessage().contains("not JSON"));
    }

    @Test
    void finderCardHelpWritesNothingAndOptionsReachTheWork() {
        CommandProbe<FinderCardCli.Options> card = new CommandProbe<>();
        CommandLine cl = CommandLines.of(new FinderCardCli.Options(card), IllegalArgumentException.class);
        card.assertHelp(cl, "--finder", "--classifier", "--finder-eval", "--haar-eval", "--out", "--report",
                "--training", "--recipe", "--decoder-threshold");
        card.assertUsageError(cl, "--haar-eval", "--finder", "f", "--classifier", "c", "--finder-eval", "e",
                "--out", "o");
        assertEquals(0, CommandProbe.execute(cl, "--finder", "f", "--classifier", "c", "--finder-eval", "e",
                "--haar-eval", "h", "--out", "o").code());
        assertEquals(Path.of("models/REPORT.md"), card.ran().report);
        assertEquals(Path.of("h"), card.ran().haarEval);
    }

    private static String[] append(String[] args, String... more) {
        String[] all = java.util.Arrays.copyOf(args, args.length + more.length);
        System.arraycopy(more, 0, all, args.length, more.length);
        return all;
    }
}
