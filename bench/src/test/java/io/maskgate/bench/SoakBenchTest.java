package io.maskgate.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.maskgate.tinyml.cli.CommandLines;
import io.maskgate.tinyml.cli.CommandProbe;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code ./maskgate bench soak}: --help starts no service, options keep their names and defaults. */
class SoakBenchTest {
    private final CommandProbe<SoakBench.Options> soak = new CommandProbe<>();
    private final CommandLine cl = CommandLines.of(new SoakBench.Options(soak));

    @Test
    void helpNamesTheOptionsAndStartsNoService() {
        soak.assertHelp(cl, "--minutes", "--rate", "--doors", "--mqtt", "--db-url");
    }

    @Test
    void badOptionsAreUsageErrors() {
        soak.assertUsageError(cl, "--bogus", "--bogus");
        soak.assertUsageError(cl, "--minutes", "--minutes", "long");
    }

    @Test
    void defaultsAndGivenValuesReachTheSoak() {
        assertEquals(0, CommandProbe.execute(cl, "--minutes", "3").code());
        SoakBench.Options o = soak.ran();
        assertEquals(3, o.minutes);
        assertEquals(1000, o.rate);
        assertEquals(20, o.doors);
        assertEquals("postgres", o.target.dbUser);
    }
}
