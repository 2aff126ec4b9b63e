package io.maskgate.bench.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.maskgate.tinyml.cli.CommandLines;
import io.maskgate.tinyml.cli.CommandProbe;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code ./maskgate fleet} and {@code ./maskgate bench rollout}: --help starts nothing; defaults kept. The fleet's
 * latency percentiles over the intervals it reads from its recorder.
 */
class FleetMainTest {

    @Test
    void fleetHelpStartsNothingAndDefaultsAreKept() {
        CommandProbe<FleetMain.Options> fleet = new CommandProbe<>();
        CommandLine cl = CommandLines.of(new FleetMain.Options(fleet), IllegalArgumentException.class);
        fleet.assertHelp(cl, "--units", "--doors", "--rate", "--mask-ratio", "--duration-s", "--warmup-s", "--broker",
                "--ca-file", "--service", "--admin-user", "--publish-only");
        fleet.assertUsageError(cl, "--broker", "--units", "10");
        assertEquals(0, CommandProbe.execute(cl, "--broker", "tcp://127.0.0.1:1", "--publish-only").code());
        FleetMain.Options o = fleet.ran();
        assertEquals(200, o.units);
        assertEquals(50, o.doors);
        assertEquals(5000.0, o.rate);
        assertEquals(15, o.warmupS);
        assertEquals("admin", o.adminUser);
    }

    @Test
    void rolloutBenchHelpStartsNoServiceAndDefaultsAreKept() {
        CommandProbe<RolloutBench.Options> bench = new CommandProbe<>();
        CommandLine cl = CommandLines.of(new RolloutBench.Options(bench));
        bench.assertHelp(cl, "--units", "--model-kb", "--units-per-connection");
        bench.assertUsageError(cl, "--bogus", "--bogus");
        assertEquals(0, CommandProbe.execute(cl, "--units", "10").code());
        assertEquals(10, bench.ran().units);
        assertEquals(138, bench.ran().modelKb);
        assertEquals(25, bench.ran().unitsPerConnection);
    }

    @Test
    void latencyPercentilesCoverEveryIntervalRecorded() {
        Recorder recorder = new Recorder(3);
        Histogram window = new Histogram(3);
        assertEquals(-1, FleetMain.percentile(window, 99), "nothing recorded: n/a");
        for (long micros = 1; micros <= 600; micros++) {
            recorder.recordValue(micros);
        }
        window.add(recorder.getIntervalHistogram());
        for (long micros = 601; micros <= 1000; micros++) {
            recorder.recordValue(micros);
        }
        window.add(recorder.getIntervalHistogram());
        assertEquals(1000, window.getTotalCount());
        assertEquals(500, FleetMain.percentile(window, 50));
        assertEquals(990, FleetMain.percentile(window, 99));
        assertEquals(1000, FleetMain.percentile(window, 100));
    }
}
