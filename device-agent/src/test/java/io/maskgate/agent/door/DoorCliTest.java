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
    void finderCardHelpWritesNothingAndOptionsReachTheWork() {
        CommandProbe<FinderCardCli.Options> card = new CommandProbe<>();
        CommandLine cl = CommandLines.of(new FinderCardCli.Options(card), IllegalArgumentException.class);
        card.assertHelp(cl, "--finder", "--classifier", "--finder-eval", "--haar-eval", "--out", "--report",
                "--training");
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
