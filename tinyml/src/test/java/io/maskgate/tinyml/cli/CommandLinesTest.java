package io.maskgate.tinyml.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import org.junit.jupiter.api.Test;

/** The exit codes and messages every ./maskgate command line shares. */
class CommandLinesTest {

    @Command(name = "maskgate probe", mixinStandardHelpOptions = true)
    static final class Probe extends WorkCommand<Probe> {
        @Option(names = "--count", defaultValue = "3")
        int count;

        Probe(CommandLines.Work<Probe> work) {
            super(work);
        }
    }

    @Command(name = "maskgate group")
    static final class Group implements java.util.concurrent.Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            return CommandLines.missingSubcommand(spec);
        }
    }

    @Test
    void helpStopsBeforeTheWorkAndOptionsReachIt() {
        CommandProbe<Probe> work = new CommandProbe<>();
        CommandLine cl = CommandLines.of(new Probe(work));
        work.assertHelp(cl, "--count");
        work.assertUsageError(cl, "Unknown option: '--bogus'", "--bogus");
        work.assertUsageError(cl, "'many' is not an int", "--count", "many");
        assertEquals(0, CommandProbe.execute(cl, "--count", "7").code());
        assertEquals(7, work.ran().count);
    }

    @Test
    void aFailureInTheWorkIsOneLineAndExit1OrAUsageErrorWhenDeclared() {
        CommandLine io = CommandLines.of(new Probe(p -> {
            throw new IOException("disk on fire");
        }), IllegalArgumentException.class);
        CommandProbe.Outcome failed = CommandProbe.execute(io);
        assertEquals(1, failed.code());
        assertEquals("maskgate probe: disk on fire", failed.err().strip());
        CommandLine bad = CommandLines.of(new Probe(p -> {
            throw new IllegalArgumentException("--count must be even");
        }), IllegalArgumentException.class);
        CommandProbe.Outcome usage = CommandProbe.execute(bad);
        assertEquals(2, usage.code());
        assertTrue(usage.err().startsWith("maskgate probe: --count must be even") && usage.err().contains("Usage: "),
                usage.err());
        assertFalse(usage.err().contains("\tat "), usage.err());
    }

    @Test
    void aGroupWithoutSubcommandListsThemWithExit2() {
        CommandProbe<Probe> work = new CommandProbe<>();
        CommandLine cl = CommandLines.of(new CommandLine(new Group()).addSubcommand("probe", new Probe(work)));
        CommandProbe.Outcome o = CommandProbe.execute(cl);
        assertEquals(2, o.code());
        assertTrue(o.err().startsWith("missing subcommand: one of probe") && o.err().contains("Usage: "), o.err());
        assertEquals(0, CommandProbe.execute(cl, "probe").code());
        assertEquals(3, work.ran().count);
    }
}
