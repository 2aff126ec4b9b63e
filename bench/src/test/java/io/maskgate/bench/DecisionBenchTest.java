package io.maskgate.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.maskgate.tinyml.cli.CommandLines;
import io.maskgate.tinyml.cli.CommandProbe;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code ./maskgate bench decisions}: --help starts no service, options keep their names and defaults. */
class DecisionBenchTest {
    private final CommandProbe<DecisionBench.Options> bench = new CommandProbe<>();
    private final CommandLine cl = CommandLines.of(new DecisionBench.Options(bench));

    @Test
    void helpNamesTheOptionsAndStartsNoService() {
        bench.assertHelp(cl, "--mqtt", "--db-url", "--rate", "--seconds", "--max-count", "--warmup", "--sustain",
                "--sustain-seconds", "--clients", "--nagle");
    }

    @Test
    void badOptionsAreUsageErrors() {
        bench.assertUsageError(cl, "--bogus", "--bogus");
        bench.assertUsageError(cl, "--rate", "--rate", "fast");
    }

    @Test
    void defaultsAndGivenValuesReachTheBench() {
        assertEquals(0, CommandProbe.execute(cl, "--seconds", "2", "--max-count", "2000", "--nagle").code());
        DecisionBench.Options o = bench.ran();
        assertEquals(2, o.seconds);
        assertEquals(2000, o.maxCount);
        assertEquals(1000, o.rate);
        assertEquals(20000, o.warmup);
        assertEquals(5000, o.sustain);
        assertEquals(4, o.clients);
        assertEquals(true, o.nagle);
        assertEquals("postgres", o.target.dbUser);
    }
}
