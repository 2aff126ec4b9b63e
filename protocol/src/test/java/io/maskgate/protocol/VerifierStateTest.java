package io.maskgate.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Stateful behaviour the single-shot vectors cannot show: sequences advance, command ids are remembered. */
class VerifierStateTest {

    private final MessageCodec codec = new MessageCodec();
    private final HmacKey unitKey = Keys.generate();
    private final Clock clock = Clock.fixed(Instant.ofEpochMilli(1_000_000), ZoneOffset.UTC);
    private final Freshness freshness = Freshness.symmetric(Duration.ofSeconds(30));

    @Test
    void acceptedDecisionAdvancesTheSequenceAndARedeliveryIsAReplay() {
        InMemorySequenceState seqs = new InMemorySequenceState();
        DecisionVerifier verifier = new DecisionVerifier(codec,
                KeyLookup.of(Map.of("unit-1", Credentials.enabled(unitKey))), seqs, clock, freshness);
        byte[] first = decision(1);
        assertTrue(verifier.verify(Topics.decision("unit-1"), first).accepted());
        Verdict<Decision> again = verifier.verify(Topics.decision("unit-1"), first);
        assertEquals(RejectReason.REPLAY, again.reason());
        assertTrue(again.authenticated());
        assertTrue(verifier.verify(Topics.decision("unit-1"), decision(5)).accepted());
        assertEquals(RejectReason.REPLAY, verifier.verify(Topics.decision("unit-1"), decision(3)).reason());
        assertEquals(5, seqs.lastSeq("unit-1"));
    }

    @Test
    void rejectedForgeriesDoNotAdvanceTheSequence() {
        InMemorySequenceState seqs = new InMemorySequenceState();
        DecisionVerifier verifier = new DecisionVerifier(codec,
                KeyLookup.of(Map.of("unit-1", Credentials.enabled(unitKey))), seqs, clock, freshness);
        Decision forged = Signer.sign(Decision.unsigned("unit-1", "door-1", 1000, clock.millis(), Label.MASK, 999, "m"),
                Keys.generate());
        Verdict<Decision> v = verifier.verify(Topics.decision("unit-1"), codec.encode(forged));
        assertEquals(RejectReason.BAD_SIGNATURE, v.reason());
        assertFalse(v.authenticated());
        assertEquals(0, seqs.lastSeq("unit-1"));
        assertTrue(verifier.verify(Topics.decision("unit-1"), decision(2)).accepted());
    }

    @Test
    void concurrentDeliveriesOfOneSeqAreAcceptedOnce() throws Exception {
        InMemorySequenceState seqs = new InMemorySequenceState();
        DecisionVerifier verifier = new DecisionVerifier(codec,
                KeyLookup.of(Map.of("unit-1", Credentials.enabled(unitKey))), seqs, clock, freshness);
        byte[] payload = decision(1);
        AtomicInteger accepted = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<?>> futures = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            futures.add(pool.submit(() -> {
                if (verifier.verify(Topics.decision("unit-1"), payload).accepted()) {
                    accepted.incrementAndGet();
                }
            }));
        }
        for (Future<?> f : futures) {
            f.get();
        }
        pool.shutdown();
        assertTrue(pool.awaitTermination(5, TimeUnit.SECONDS));
        assertEquals(1, accepted.get());
    }

    @Test
    void actuatorRunsACommandIdOnceAndForgetsOnlyExpiredIds() {
        HmacKey doorKey = Keys.generate();
        InMemoryCommandReplayGuard guard = new InMemoryCommandReplayGuard(2);
        CommandVerifier verifier = new CommandVerifier(codec, "door-1", doorKey, guard, clock, freshness);
        long now = clock.millis();
        byte[] cmd = codec.encode(Signer.sign(
                DoorCommand.unsigned("c-1", "door-1", DoorAction.UNLOCK, 1000, now, now + 5000, 1), doorKey));
        assertTrue(verifier.verify(Topics.command("door-1"), cmd).accepted());
        assertEquals(RejectReason.REPLAY, verifier.verify(Topics.command("door-1"), cmd).reason());

        assertTrue(guard.firstUse("c-2", now + 10, now));
        assertFalse(guard.firstUse("c-3", now + 10, now), "full of unexpired ids: refuse rather than forget");
        assertTrue(guard.firstUse("c-3", now + 10_000, now + 6000), "c-1 and c-2 expired and may be forgotten");
        assertEquals(1, guard.size());
    }

    private byte[] decision(long seq) {
        return codec.encode(Signer.sign(
                Decision.unsigned("unit-1", "door-1", seq, clock.millis(), Label.MASK, 900, "tiny-v1"), unitKey));
    }
}
