package io.maskgate.protocol.ota;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.maskgate.protocol.FleetKey;
import io.maskgate.protocol.Hashes;
import io.maskgate.protocol.Keys;
import io.maskgate.protocol.ManifestVerifier;
import io.maskgate.protocol.MessageCodec;
import io.maskgate.protocol.OtaChunk;
import io.maskgate.protocol.OtaVerifier;
import io.maskgate.protocol.ProtocolException;
import io.maskgate.protocol.SelfTest;
import io.maskgate.protocol.SignedMessage;
import io.maskgate.protocol.Signer;
import io.maskgate.protocol.Verdict;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Runs protocol/test-vectors/ota/*.json through the manifest and OTA command verifiers, the codec and the signer; the
 * firmware's CPython and MicroPython tests run the same files.
 */
class OtaVectorsTest {

    static Path dir() {
        return Path.of(System.getProperty("maskgate.protocol.dir", ".")).resolve("test-vectors/ota");
    }

    static List<OtaVectorCase> cases(String file) throws IOException {
        return new ObjectMapper().readValue(dir().resolve(file).toFile(), new TypeReference<List<OtaVectorCase>>() { });
    }

    @TestFactory
    Stream<DynamicTest> everyCaseGetsItsExpectedVerdict() throws IOException {
        List<OtaVectorCase> all = new ArrayList<>(cases("manifest.json"));
        all.addAll(cases("ota-command.json"));
        all.addAll(cases("ota-unit.json"));
        return all.stream().map(c -> DynamicTest.dynamicTest(c.kind() + ": " + c.name(), () -> check(c)));
    }

    private void check(OtaVectorCase c) throws Exception {
        MessageCodec codec = new MessageCodec();
        byte[] payload = c.payload().getBytes(StandardCharsets.UTF_8);
        if (c.expect().equals("sign")) { // the unit's own messages: decodable, signed with its key, encoded as is
            SignedMessage<?> m = c.kind().equals("ota-fetch") ? codec.decodeOtaFetch(payload)
                    : codec.decodeOtaReport(payload);
            assertTrue(Signer.verify(m, Keys.parse(c.key())), c.name());
            assertEquals(c.payload(), new String(codec.encode((Record) m), StandardCharsets.UTF_8), c.name());
            return;
        }
        if (c.kind().equals("ota-chunk")) {
            String reason = null;
            try {
                OtaChunk chunk = codec.decodeOtaChunk(payload);
                assertEquals(chunk.sha256(), Hashes.sha256Hex(chunk.bytes()), c.name());
            } catch (ProtocolException e) {
                reason = e.reason().name();
            }
            assertEquals(c.reason(), reason, c.name());
            assertEquals(c.expect(), reason == null ? "accept" : "reject", c.name());
            return;
        }
        Verdict<?> v = switch (c.kind()) {
            case "manifest" -> new ManifestVerifier(codec, FleetKey.parsePublic(c.key())).verify(payload);
            case "ota" -> new OtaVerifier(codec, Clock.fixed(Instant.ofEpochMilli(c.now()), ZoneOffset.UTC))
                    .command(c.unit(), Keys.parse(c.key()), c.topic(), payload);
            default -> throw new AssertionError("unknown kind " + c.kind());
        };
        assertEquals(c.expect(), v.accepted() ? "accept" : "reject", c.name() + ": " + v.detail());
        assertEquals(c.reason(), v.reason() == null ? null : v.reason().name(), c.name() + ": " + v.detail());
    }

    /** RFC 8032 7.1 tests 1 to 3 (the firmware's pure-Python Ed25519 runs the same file) under the JDK's Ed25519. */
    @Test
    void rfc8032VectorsVerifyUnderTheJdk() throws Exception {
        JsonNode cases = new ObjectMapper().readTree(dir().resolve("ed25519.json").toFile());
        assertTrue(cases.size() >= 3);
        java.util.HexFormat hex = java.util.HexFormat.of();
        for (JsonNode c : cases) {
            java.security.PublicKey pub = java.security.KeyFactory.getInstance("Ed25519").generatePublic(
                    new java.security.spec.X509EncodedKeySpec(hex.parseHex("302a300506032b6570032100"
                            + c.get("public").asText())));
            java.security.Signature s = java.security.Signature.getInstance("Ed25519");
            s.initVerify(pub);
            s.update(hex.parseHex(c.get("message").asText()));
            assertTrue(s.verify(hex.parseHex(c.get("signature").asText())), c.get("name").asText());
        }
    }

    @Test
    void bothKindsHaveAcceptAndRejectCases() throws IOException {
        for (String file : List.of("manifest.json", "ota-command.json")) {
            List<OtaVectorCase> cs = cases(file);
            assertTrue(cs.stream().anyMatch(c -> c.expect().equals("accept")), file);
            assertTrue(cs.stream().filter(c -> c.expect().equals("reject")).count() >= 5, file);
        }
    }

    @Test
    void selfTestInputsExpandAsRecorded() throws IOException {
        JsonNode cases = new ObjectMapper().readTree(dir().resolve("selftest-input.json").toFile());
        assertTrue(cases.size() >= 4);
        for (JsonNode c : cases) {
            byte[] input = SelfTest.input(c.get("seed").asText(), c.get("size").asInt());
            assertEquals(c.get("size").asInt(), input.length);
            assertEquals(c.get("inputSha256").asText(), Hashes.sha256Hex(input));
        }
    }
}
