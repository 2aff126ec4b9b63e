package io.maskgate.bench;

import io.maskgate.protocol.Decision;
import io.maskgate.protocol.Label;
import io.maskgate.service.door.DoorPolicy;
import io.maskgate.service.door.PolicyMode;
import io.maskgate.service.verify.DoorBands;
import io.maskgate.service.verify.DoorVerification;
import io.maskgate.service.verify.DoorVerificationRepository;
import io.maskgate.service.verify.HeldDecisions;
import io.maskgate.service.verify.Reverification;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What re-verification adds to a decision outside its door's uncertainty band: the decision pipeline's one call of
 * {@link Reverification#defer} (band lookup and compare), for a door with a band and a door without one. Compare
 * with the decision path's p50 in {@code ./maskgate bench decisions}. Run: {@code ./maskgate bench verify-hook}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
public class DeferHookBenchmarks {

    private Reverification reverification;
    private final DoorPolicy policy = new DoorPolicy(PolicyMode.ENFORCE_VERIFIED, 700, 1, 1, 5_000, 3_000, null);
    private final Decision banded = Decision.unsigned("u1", "banded", 1, 1_000, Label.MASK, 950, "maskgate-tiny-v1");
    private final Decision unbanded = Decision.unsigned("u2", "plain", 1, 1_000, Label.MASK, 950, "maskgate-tiny-v1");

    @Setup
    public void setUp() {
        DoorVerificationRepository repository = new DoorVerificationRepository(null) {
            @Override
            public Map<String, DoorVerification> findAll() {
                return Map.of("banded", new DoorVerification(300, 850, 300));
            }
        };
        // outside the band defer() touches nothing but the bands: the other collaborators are never reached
        reverification = new Reverification(new DoorBands(repository), new HeldDecisions(10, 1_000), null, null,
                null, null, null, null, null, null);
    }

    @TearDown
    public void tearDown() {
        reverification.close();
    }

    @Benchmark
    public boolean outsideTheBand() {
        return reverification.defer(banded, "banded", policy, 0);
    }

    @Benchmark
    public boolean doorWithoutBand() {
        return reverification.defer(unbanded, "plain", policy, 0);
    }
}
