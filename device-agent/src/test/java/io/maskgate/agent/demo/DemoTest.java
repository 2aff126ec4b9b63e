package io.maskgate.agent.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.maskgate.tinyml.cli.CommandLines;
import io.maskgate.tinyml.cli.CommandProbe;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code ./maskgate demo}: --help starts no service and no unit. */
class DemoTest {

    @Test
    void helpStartsNothingAndDefaultsAreKept() {
        CommandProbe<Demo.Options> demo = new CommandProbe<>();
        CommandLine cl = CommandLines.of(new Demo.Options(demo));
        demo.assertHelp(cl, "--http-port", "--fps", "--duration-s");
        demo.assertUsageError(cl, "--http-port", "--http-port", "eighty");
        assertEquals(0, CommandProbe.execute(cl, "--duration-s=5").code());
        assertEquals(8080, demo.ran().httpPort);
        assertEquals(5.0, demo.ran().fps);
        assertEquals(5, demo.ran().durationS);
    }
}
