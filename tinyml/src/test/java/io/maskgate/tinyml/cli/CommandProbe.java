package io.maskgate.tinyml.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import picocli.CommandLine;

/**
 * Test support for the command lines (shared through tinyml's test-jar): the work a command gets in place of the
 * real one, which records the options it ran with, and runs of a command line with its output captured.
 *
 * @param <T> the command's options
 */
public final class CommandProbe<T> implements CommandLines.Work<T> {
    private T ran;

    /** Exit code and what a run printed. */
    public record Outcome(int code, String out, String err) {
    }

    @Override
    public int run(T options) {
        ran = options;
        return 0;
    }

    /** The options the work ran with; null while it never ran. */
    public T ran() {
        return ran;
    }

    /** Runs {@code args} on {@code cl} with stdout and stderr captured. */
    public static Outcome execute(CommandLine cl, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new Outcome(code, out.toString(), err.toString());
    }

    /** --help and -h: exit 0, the usage on stdout naming each of {@code options}, the work not reached. */
    public void assertHelp(CommandLine cl, String... options) {
        for (String flag : List.of("--help", "-h")) {
            Outcome o = execute(cl, flag);
            assertEquals(0, o.code(), flag + ": " + o.err());
            assertTrue(o.out().startsWith("Usage: "), o.out());
            for (String option : options) {
                assertTrue(o.out().contains(option), flag + " does not name " + option + ":\n" + o.out());
            }
            assertNull(ran, "the work ran on " + flag);
        }
    }

    /** A bad command line: exit 2, the reason and the usage on stderr, the work not reached. */
    public void assertUsageError(CommandLine cl, String expected, String... args) {
        Outcome o = execute(cl, args);
        assertEquals(2, o.code(), String.join(" ", args) + ": " + o.err());
        assertTrue(o.err().contains(expected) && o.err().contains("Usage: "), o.err());
        assertNull(ran, "the work ran on " + String.join(" ", args));
    }
}
