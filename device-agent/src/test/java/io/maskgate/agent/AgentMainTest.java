package io.maskgate.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.maskgate.tinyml.cli.CommandLines;
import io.maskgate.tinyml.cli.CommandProbe;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code ./maskgate agent}: --help connects to no broker and loads no model; option names and defaults kept. */
class AgentMainTest {
    private final CommandProbe<AgentMain.Options> unit = new CommandProbe<>();
    private final CommandLine cl = CommandLines.of(new AgentMain.Options(unit), IllegalArgumentException.class);

    @Test
    void helpNamesTheOptionsAndStartsNothing() {
        unit.assertHelp(cl, "--unit", "--door", "--broker", "--frames", "--key-file", "MASKGATE_UNIT_KEY", "--model",
                "--finder", "--fleet-key", "--band", "--actuator-only", "--ca-file", "--key-store", "--duration-s");
    }

    @Test
    void badOptionsAreUsageErrors() {
        unit.assertUsageError(cl, "--door", "--broker", "tcp://127.0.0.1:1");
        unit.assertUsageError(cl, "--frobnicate", "--door", "d", "--broker", "tcp://127.0.0.1:1", "--frobnicate");
        unit.assertUsageError(cl, "--fps", "--door", "d", "--broker", "tcp://127.0.0.1:1", "--fps", "fast");
    }

    @Test
    void valuesAndDefaultsReachTheUnit() {
        assertEquals(0, CommandProbe.execute(cl, "--unit", "u1", "--door", "d1", "--broker", "tcp://127.0.0.1:1",
                "--frames", "faces", "--n=2", "--band", "300:700").code());
        AgentMain.Options o = unit.ran();
        assertEquals("u1", o.unit);
        assertEquals(Path.of("faces"), o.frames);
        assertEquals(2, o.n);
        assertEquals(5, o.m);
        assertEquals(500, o.threshold);
        assertEquals(10.0, o.fps);
        assertEquals("300:700", o.band);
        assertEquals(10_000, o.buffer);
    }
}
