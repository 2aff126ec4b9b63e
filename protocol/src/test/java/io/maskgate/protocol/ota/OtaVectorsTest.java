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
import io.maskgate.protocol.OtaVerifier;
import io.maskgate.protocol.SelfTest;
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

/** Runs protocol/test-vectors/ota/*.json through the manifest and OTA command verifiers (the firmware will too). */
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
        return all.stream().map(c -> DynamicTest.dynamicTest(c.kind() + ": " + c.name(), () -> check(c)));
    }

    private void check(OtaVectorCase c) {
        MessageCodec codec = new MessageCodec();
        byte[] payload = c.payload().getBytes(StandardCharsets.UTF_8);
        Verdict<?> v = switch (c.kind()) {
            case "manifest" -> new ManifestVerifier(codec, FleetKey.parsePublic(c.key())).verify(payload);
            case "ota" -> new OtaVerifier(codec, Clock.fixed(Instant.ofEpochMilli(c.now()), ZoneOffset.UTC))
                    .command(c.unit(), Keys.parse(c.key()), c.topic(), payload);
            default -> throw new AssertionError("unknown kind " + c.kind());
        };
        assertEquals(c.expect(), v.accepted() ? "accept" : "reject", c.name() + ": " + v.detail());
        assertEquals(c.reason(), v.reason() == null ? null : v.reason().name(), c.name() + ": " + v.detail());
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
