package io.maskgate.agent.ota;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.maskgate.protocol.FleetKey;
import io.maskgate.protocol.HmacKey;
import io.maskgate.protocol.Keys;
import io.maskgate.protocol.MessageCodec;
import io.maskgate.protocol.ModelManifest;
import io.maskgate.protocol.OtaCommand;
import io.maskgate.protocol.OtaKind;
import io.maskgate.protocol.OtaReport;
import io.maskgate.protocol.OtaState;
import io.maskgate.protocol.Signer;
import io.maskgate.protocol.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A report the unit could not publish while still connected (its connection's in-flight window stayed full, as in
 * a 1,000-unit rollout) used to wait for a reconnect that never came, and the service timed out an action the unit
 * had finished. Now it is tried again until it is out, in order.
 */
class OtaUnitReportRetryTest {

    private static final MessageCodec CODEC = new MessageCodec();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void stop() {
        timer.shutdownNow();
    }

    @Test
    void aReportRefusedWhileConnectedIsSentAgainInOrder() throws Exception {
        String unit = "retry-unit";
        HmacKey key = Keys.generate();
        FleetKey fleet = FleetKey.generate();
        byte[] v1 = Files.readAllBytes(Path.of("").toAbsolutePath().getParent()
                .resolve("models/maskgate-tiny-v1/model.tflite"));
        AtomicInteger refusals = new AtomicInteger(2); // the window is full for the first two attempts
        List<OtaReport> delivered = new CopyOnWriteArrayList<>();
        OtaUnit ota = new OtaUnit(unit, key, fleet.publicOnly(), new MemorySlotStorage(),
                SelfTestRunner.tinymlInstaller(), (topic, payload) -> {
                    if (refusals.getAndDecrement() > 0) {
                        throw new IllegalStateException("too many publishes in progress");
                    }
                    assertEquals(Topics.otaReport(unit), topic);
                    delivered.add(CODEC.decodeOtaReport(payload));
                }, Clock.systemUTC(), timer);
        ota.boot("v1", v1);

        // two commands whose manifests another key signed: each is refused with a FAILED report
        for (String action : List.of("act-1", "act-2")) {
            ModelManifest other = FleetKey.generate().sign(ModelManifest.unsigned("v2", "0".repeat(64), 1000,
                    List.of("CONV_2D"), 1024, 3072, List.of(new io.maskgate.protocol.SelfTest("0123456789abcdef", "00")), 0));
            long now = System.currentTimeMillis();
            OtaCommand c = Signer.sign(OtaCommand.unsigned(unit, action, OtaKind.INSTALL, "v2",
                    CODEC.encodeToString(other), 1024, now, now + 60_000), key);
            ota.onMessage(Topics.ota(unit), CODEC.encode(c));
        }
        long deadline = System.currentTimeMillis() + 10_000;
        while (delivered.size() < 2 && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(2, delivered.size(), "both reports reached the service without a reconnect: " + delivered);
        assertEquals(List.of("act-1", "act-2"), delivered.stream().map(OtaReport::actionId).toList(), "in order");
        assertTrue(delivered.stream().allMatch(r -> r.state() == OtaState.FAILED
                && r.reason().startsWith("BAD_SIGNATURE")), delivered.toString());
    }
}
