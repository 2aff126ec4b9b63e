package io.maskgate.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.maskgate.tinyml.cli.CommandLines;
import io.maskgate.tinyml.cli.CommandProbe;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code ./maskgate bench tinyml|verify}: --help runs no benchmark; JMH arguments pass through unchanged. */
class BenchCliTest {

    @Test
    void tinymlHelpRunsNoBenchmarkAndJmhArgumentsPassThrough() {
        CommandProbe<TinymlBench.Options> bench = new CommandProbe<>();
        CommandLine cl = TinymlBench.commandLine(bench);
        bench.assertHelp(cl, "--cpu", "--jmh-help", "JMH");
        assertEquals(0, CommandProbe.execute(cl, "-f", "1", "-wi", "5", "-r", "2s").code());
        assertEquals(List.of("-f", "1", "-wi", "5", "-r", "2s"), bench.ran().jmh);
        assertEquals(false, bench.ran().cpu);
        assertEquals(0, CommandProbe.execute(cl, "--cpu").code());
        assertTrue(bench.ran().cpu && bench.ran().jmh.isEmpty());
    }

    @Test
    void verifyHelpLoadsNoModelAndDefaultsAreKept() {
        CommandProbe<VerifyBench.Options> bench = new CommandProbe<>();
        CommandLine cl = CommandLines.of(new VerifyBench.Options(bench));
        bench.assertHelp(cl, "--seconds", "--rate", "--workers", "--batch");
        bench.assertUsageError(cl, "--seconds", "--seconds", "many");
        bench.assertUsageError(cl, "--bogus", "--bogus");
        assertEquals(0, CommandProbe.execute(cl, "--rate", "50").code());
        assertEquals(50, bench.ran().rate);
        assertEquals(15, bench.ran().seconds);
        assertEquals(1, bench.ran().workers);
        assertEquals(16, bench.ran().batch);
    }
}
