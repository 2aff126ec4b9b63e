package io.maskgate.protocol.vectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.maskgate.protocol.AckVerifier;
import io.maskgate.protocol.CommandVerifier;
import io.maskgate.protocol.Credentials;
import io.maskgate.protocol.DecisionVerifier;
import io.maskgate.protocol.FrameVerifier;
import io.maskgate.protocol.Freshness;
import io.maskgate.protocol.InMemoryFrameState;
import io.maskgate.protocol.HmacKey;
import io.maskgate.protocol.InMemoryCommandReplayGuard;
import io.maskgate.protocol.InMemorySequenceState;
import io.maskgate.protocol.KeyLookup;
import io.maskgate.protocol.MessageCodec;
import io.maskgate.protocol.RejectReason;
import io.maskgate.protocol.SequenceState;
import io.maskgate.protocol.Verdict;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** Runs every case of protocol/test-vectors/*.json through the Java verifiers. The firmware runs the same files. */
class TestVectorsTest {

    static Path vectorDir() {
        return Path.of(System.getProperty("maskgate.protocol.dir", ".")).resolve("test-vectors");
    }

    static List<VectorCase> allCases() throws IOException {
        List<VectorCase> cases = new ArrayList<>();
        try (Stream<Path> files = Files.list(vectorDir())) {
            for (Path file : files.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
                cases.addAll(new ObjectMapper().readValue(file.toFile(), new TypeReference<List<VectorCase>>() { }));
            }
        }
        return cases;
    }

    @TestFactory
    Stream<DynamicTest> everyVectorGetsItsExpectedVerdict() throws IOException {
        return allCases().stream().map(c -> DynamicTest.dynamicTest(c.kind() + ": " + c.name(), () -> check(c)));
    }

    @Test
    void vectorsCoverEveryRejectReasonAndAcceptCasesOfEveryKind() throws IOException {
        List<VectorCase> cases = allCases();
        Set<RejectReason> covered = EnumSet.noneOf(RejectReason.class);
        cases.stream().filter(c -> c.reason() != null).forEach(c -> covered.add(RejectReason.valueOf(c.reason())));
        assertEquals(EnumSet.allOf(RejectReason.class), covered, "every reject reason needs a vector");
        for (String kind : List.of("decision", "command", "ack", "frame")) {
            assertTrue(cases.stream().anyMatch(c -> c.kind().equals(kind) && c.expect().equals("accept")), kind);
            assertTrue(cases.stream().anyMatch(c -> c.kind().equals(kind) && c.expect().equals("reject")), kind);
        }
        assertEquals(cases.size(), cases.stream().map(c -> c.kind() + c.name()).distinct().count(), "unique names");
    }

    static void check(VectorCase c) {
        Verdict<?> verdict = verify(c);
        if (c.expect().equals("accept")) {
            assertTrue(verdict.accepted(), () -> "expected accept, got " + verdict.reason() + ": " + verdict.detail());
            assertNotNull(verdict.message());
        } else {
            assertEquals("reject", c.expect());
            assertFalse(verdict.accepted(), "expected reject " + c.reason() + " but it was accepted");
            assertEquals(RejectReason.valueOf(c.reason()), verdict.reason(), verdict.detail());
        }
    }

    static Verdict<?> verify(VectorCase c) {
        MessageCodec codec = new MessageCodec();
        Clock clock = Clock.fixed(Instant.ofEpochMilli(c.now()), ZoneOffset.UTC);
        Freshness freshness = new Freshness(Duration.ofMillis(c.maxAgeMs()), Duration.ofMillis(c.maxAheadMs()));
        byte[] payload = c.payload().getBytes(StandardCharsets.UTF_8);
        return switch (c.kind()) {
            case "decision" -> {
                // lastSeq is the last accepted seq of the unit the message names (null: none yet).
                InMemorySequenceState accepted = new InMemorySequenceState();
                long last = c.lastSeq() == null ? 0 : c.lastSeq();
                SequenceState seqs = new SequenceState() {
                    @Override
                    public long lastSeq(String unitId) {
                        return Math.max(last, accepted.lastSeq(unitId));
                    }

                    @Override
                    public boolean advance(String unitId, long seq) {
                        return seq > last && accepted.advance(unitId, seq);
                    }
                };
                yield new DecisionVerifier(codec, lookup(c), seqs, clock, freshness).verify(c.topic(), payload);
            }
            case "command" -> {
                InMemoryCommandReplayGuard guard = new InMemoryCommandReplayGuard(1000);
                c.seen().forEach(id -> guard.firstUse(id, Long.MAX_VALUE, c.now()));
                yield new CommandVerifier(codec, c.door(), HmacKey.parse(c.key()), guard, clock, freshness)
                        .verify(c.topic(), payload);
            }
            case "ack" -> new AckVerifier(codec, lookup(c), clock, freshness)
                    .verify(c.topic(), payload);
            case "frame" -> {
                // held: the decision the service holds for the frame's unit; seen: seqs whose frames arrived
                InMemoryFrameState state = new InMemoryFrameState();
                if (c.held() != null) {
                    state.hold(unitOf(payload), c.held().seq(), c.held().doorId(), c.held().score());
                }
                String unit = unitOf(payload);
                c.seen().forEach(seq -> state.claim(unit, Long.parseLong(seq)));
                yield new FrameVerifier(codec, lookup(c)).verify(c.topic(), payload, state);
            }
            default -> throw new IllegalArgumentException("unknown vector kind " + c.kind());
        };
    }

    /** The unit a frame payload names (held decisions and claims belong to it); "" when unparseable. */
    private static String unitOf(byte[] payload) {
        try {
            return new ObjectMapper().readTree(payload).path("unitId").asText("");
        } catch (IOException e) {
            return "";
        }
    }

    /** The vector's key is what is registered for the unit or door the message names; null means none is. */
    private static KeyLookup lookup(VectorCase c) {
        if (c.key() == null) {
            return KeyLookup.of(Map.of());
        }
        Credentials credentials = new Credentials(HmacKey.parse(c.key()), c.enabled());
        return id -> java.util.Optional.of(credentials);
    }
}
