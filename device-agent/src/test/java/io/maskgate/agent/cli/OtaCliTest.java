package io.maskgate.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.maskgate.tinyml.cli.CommandLines;
import io.maskgate.tinyml.cli.CommandProbe;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code ./maskgate model publish} and {@code ./maskgate rollout}: --help contacts no service (there is none on
 * port 1: a call would fail with exit 1); rollout without a subcommand lists them.
 */
class OtaCliTest {

    @Test
    void helpContactsNoService() {
        CommandProbe.Outcome publish = CommandProbe.execute(CommandLines.of(new OtaCli.Publish()), "--model", "m",
                "--service", "http://127.0.0.1:1", "--help");
        assertEquals(0, publish.code(), publish.err());
        assertTrue(publish.out().contains("--version") && publish.out().contains("--baseline"), publish.out());
        CommandLine rollout = CommandLines.of(new OtaCli.Rollout());
        CommandProbe.Outcome create = CommandProbe.execute(rollout, "create", "--version", "v", "--service",
                "http://127.0.0.1:1", "-h");
        assertEquals(0, create.code(), create.err());
        assertTrue(create.out().contains("--canary") && create.out().contains("--waves"), create.out());
    }

    @Test
    void rolloutWithoutSubcommandAndBadOptionsAreUsageErrors() {
        CommandProbe.Outcome none = CommandProbe.execute(CommandLines.of(new OtaCli.Rollout()));
        assertEquals(2, none.code());
        assertTrue(none.err().contains("create") && none.err().contains("Usage: "), none.err());
        CommandProbe.Outcome bad = CommandProbe.execute(CommandLines.of(new OtaCli.Publish()), "--bogus");
        assertEquals(2, bad.code());
    }
}
