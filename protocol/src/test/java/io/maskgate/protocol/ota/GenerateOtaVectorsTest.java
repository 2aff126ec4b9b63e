package io.maskgate.protocol.ota;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.maskgate.protocol.FleetKey;
import io.maskgate.protocol.Hashes;
import io.maskgate.protocol.HmacKey;
import io.maskgate.protocol.MessageCodec;
import io.maskgate.protocol.ModelManifest;
import io.maskgate.protocol.OtaChunk;
import io.maskgate.protocol.OtaCommand;
import io.maskgate.protocol.OtaFetch;
import io.maskgate.protocol.OtaKind;
import io.maskgate.protocol.OtaReport;
import io.maskgate.protocol.OtaState;
import io.maskgate.protocol.SelfTest;
import io.maskgate.protocol.Signer;
import io.maskgate.protocol.Topics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Writes protocol/test-vectors/ota/*.json, only when asked (like {@code GenerateTestVectorsTest}):
 * {@code ./mvnw -B -pl protocol test -Dtest=GenerateOtaVectorsTest -Dmaskgate.regenerateVectors=true
 * -Dsurefire.failIfNoSpecifiedTests=false}. Keys are derived from labels, so the output is reproducible.
 */
@EnabledIfSystemProperty(named = "maskgate.regenerateVectors", matches = "true")
class GenerateOtaVectorsTest {

    static final long T = 1_764_070_000_000L;
    static final FleetKey FLEET = FleetKey.fromSeed(Hashes.sha256("maskgate test fleet key".getBytes(StandardCharsets.UTF_8)));
    static final FleetKey OTHER = FleetKey.fromSeed(Hashes.sha256("another fleet".getBytes(StandardCharsets.UTF_8)));
    static final HmacKey UNIT7 = HmacKey.ofBytes(Hashes.sha256("maskgate test vector key unit-7".getBytes(StandardCharsets.UTF_8)));
    static final HmacKey UNIT8 = HmacKey.ofBytes(Hashes.sha256("maskgate test vector key unit-8".getBytes(StandardCharsets.UTF_8)));

    private final MessageCodec codec = new MessageCodec();
    private final ObjectMapper json = new ObjectMapper();

    static ModelManifest manifest() {
        List<SelfTest> tests = List.of(new SelfTest("0001020304050607", "3f"), new SelfTest("a1b2c3d4e5f60718", "c2"));
        return ModelManifest.unsigned("maskgate-tiny-v2", "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
                55008, List.of("CONV_2D", "DEPTHWISE_CONV_2D", "MEAN", "FULLY_CONNECTED", "LOGISTIC"), 20480, 3072,
                tests, T);
    }

    @Test
    void generate() throws Exception {
        Path dir = Path.of(System.getProperty("maskgate.protocol.dir", ".")).resolve("test-vectors/ota");
        Files.createDirectories(dir);
        ObjectMapper out = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        out.writeValue(dir.resolve("manifest.json").toFile(), manifests());
        out.writeValue(dir.resolve("ota-command.json").toFile(), commands());
        out.writeValue(dir.resolve("ota-unit.json").toFile(), unitMessages());
        List<Map<String, Object>> inputs = new ArrayList<>();
        for (String seed : List.of("0001020304050607", "a1b2c3d4e5f60718")) {
            for (int size : List.of(16, 3072)) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("seed", seed);
                m.put("size", size);
                m.put("inputSha256", Hashes.sha256Hex(SelfTest.input(seed, size)));
                inputs.add(m);
            }
        }
        out.writeValue(dir.resolve("selftest-input.json").toFile(), inputs);
    }

    private List<OtaVectorCase> manifests() throws Exception {
        List<OtaVectorCase> cases = new ArrayList<>();
        String key = FLEET.publicBase64Url();
        ModelManifest signed = FLEET.sign(manifest());
        String valid = codec.encodeToString(signed);
        Case c = (name, payload, k, expect, reason) -> cases.add(
                new OtaVectorCase(name, "manifest", null, null, k, payload, T, expect, reason));
        c.add("valid manifest", valid, key, "accept", null);
        c.add("valid manifest, fields reordered", reorder(valid), key, "accept", null);
        c.add("signed by another fleet key", codec.encodeToString(OTHER.sign(manifest())), key, "reject",
                "BAD_SIGNATURE");
        c.add("sha256 changed after signing", codec.encodeToString(signed.withSig(signed.sig()).withSig(null)
                .withSig(signed.sig())).replace(signed.sha256(), "0".repeat(64)), key, "reject", "BAD_SIGNATURE");
        c.add("version changed after signing", valid.replace("maskgate-tiny-v2", "maskgate-tiny-v3"), key, "reject",
                "BAD_SIGNATURE");
        c.add("size changed after signing", valid.replace("\"size\":55008", "\"size\":55009"), key, "reject",
                "BAD_SIGNATURE");
        c.add("expected self-test output changed after signing", valid.replace(":3f", ":40"), key, "reject",
                "BAD_SIGNATURE");
        c.add("signature bit flipped", valid.replace("\"sig\":\"" + signed.sig().charAt(0),
                "\"sig\":\"" + (signed.sig().charAt(0) == '0' ? '1' : '0')), key, "reject", "BAD_SIGNATURE");
        c.add("unsigned (sig null)", codec.encodeToString(manifest()), key, "reject", "MALFORMED");
        c.add("sig not hex", valid.replace(signed.sig(), "z".repeat(128)), key, "reject", "MALFORMED");
        c.add("sha256 upper case", valid.replace(signed.sha256(), signed.sha256().toUpperCase()), key, "reject",
                "MALFORMED");
        c.add("ops lower case", valid.replace("CONV_2D,", "conv_2d,"), key, "reject", "MALFORMED");
        c.add("missing selfTests", removeField(valid, "selfTests"), key, "reject", "MALFORMED");
        c.add("not JSON", "manifest", key, "reject", "MALFORMED");
        c.add("schema version 2", valid.replace("\"v\":1", "\"v\":2"), key, "reject", "UNKNOWN_SCHEMA");
        c.add("oversize", valid + " ".repeat(9000), key, "reject", "OVERSIZE");
        return cases;
    }

    private List<OtaVectorCase> commands() throws Exception {
        List<OtaVectorCase> cases = new ArrayList<>();
        String manifest = codec.encodeToString(FLEET.sign(manifest()));
        OtaCommand install = Signer.sign(OtaCommand.unsigned("unit-7", "act-1", OtaKind.INSTALL, "maskgate-tiny-v2",
                manifest, 16384, T, T + 600_000), UNIT7);
        OtaCommand cancel = Signer.sign(OtaCommand.unsigned("unit-7", "act-1", OtaKind.CANCEL, "maskgate-tiny-v2",
                null, 16384, T, T + 600_000), UNIT7);
        String topic = Topics.ota("unit-7");
        String key = UNIT7.toBase64Url();
        String valid = codec.encodeToString(install);
        Case c = (name, payload, k, expect, reason) -> cases.add(
                new OtaVectorCase(name, "ota", "unit-7", topic, k, payload, T + 1000, expect, reason));
        c.add("valid INSTALL", valid, key, "accept", null);
        c.add("valid CANCEL", codec.encodeToString(cancel), key, "accept", null);
        c.add("signed with another unit's key", codec.encodeToString(Signer.sign(install, UNIT8)), key, "reject",
                "BAD_SIGNATURE");
        c.add("chunk size changed after signing", valid.replace("\"chunkSize\":16384", "\"chunkSize\":1024"), key,
                "reject", "BAD_SIGNATURE");
        c.add("manifest swapped after signing",
                valid.replace(json.writeValueAsString(manifest), json.writeValueAsString(
                        codec.encodeToString(FLEET.sign(manifest().withSig(null))).replace("\"size\":55008",
                                "\"size\":55008 "))), key, "reject", "BAD_SIGNATURE");
        c.add("INSTALL without manifest", codec.encodeToString(cancel).replace("\"CANCEL\"", "\"INSTALL\""), key,
                "reject", "MALFORMED");
        c.add("kind unknown", valid.replace("\"INSTALL\"", "\"WIPE\""), key, "reject", "MALFORMED");
        c.add("chunk size above 32768", valid.replace("\"chunkSize\":16384", "\"chunkSize\":65536"), key, "reject",
                "MALFORMED");
        cases.add(new OtaVectorCase("addressed to another unit", "ota", "unit-8", Topics.ota("unit-8"),
                UNIT8.toBase64Url(), valid, T + 1000, "reject", "TOPIC_MISMATCH"));
        cases.add(new OtaVectorCase("on another unit's topic", "ota", "unit-7", Topics.ota("unit-8"), key, valid,
                T + 1000, "reject", "TOPIC_MISMATCH"));
        cases.add(new OtaVectorCase("expired", "ota", "unit-7", topic, key, valid, T + 600_000, "reject", "EXPIRED"));
        c.add("oversize", valid + " ".repeat(13_000), key, "reject", "OVERSIZE");
        return cases;
    }

    /**
     * What the unit sends and receives while downloading: signed fetches and reports (expect "sign": a unit must
     * build these exact bytes from the decoded fields and the key) and chunks (expect accept / reject: decoding).
     */
    private List<OtaVectorCase> unitMessages() throws Exception {
        List<OtaVectorCase> cases = new ArrayList<>();
        String key = UNIT7.toBase64Url();
        Case sign = (name, payload, k, expect, reason) -> cases.add(
                new OtaVectorCase(name, name.startsWith("fetch") ? "ota-fetch" : "ota-report", "unit-7",
                        name.startsWith("fetch") ? Topics.otaFetch("unit-7") : Topics.otaReport("unit-7"), k, payload,
                        T, expect, reason));
        sign.add("fetch from the start", codec.encodeToString(Signer.sign(
                OtaFetch.unsigned("unit-7", "act-1", 0, 4096, T), UNIT7)), key, "sign", null);
        sign.add("fetch resuming at 53248", codec.encodeToString(Signer.sign(
                OtaFetch.unsigned("unit-7", "act-1", 53248, 1760, T + 5), UNIT7)), key, "sign", null);
        sign.add("report OFFERED", codec.encodeToString(Signer.sign(OtaReport.unsigned("unit-7", "act-1",
                OtaState.OFFERED, "maskgate-tiny-v2", "maskgate-tiny-v1", null, 0, 0, T), UNIT7)), key, "sign", null);
        sign.add("report SELF_TEST_PASSED", codec.encodeToString(Signer.sign(OtaReport.unsigned("unit-7", "act-1",
                OtaState.SELF_TEST_PASSED, "maskgate-tiny-v2", "maskgate-tiny-v2", null, 55008, 28752, T + 9),
                UNIT7)), key, "sign", null);
        sign.add("report FAILED with a reason", codec.encodeToString(Signer.sign(OtaReport.unsigned("unit-7",
                "act-1", OtaState.FAILED, "maskgate-tiny-v2", "maskgate-tiny-v1",
                "SHA256_MISMATCH: the file does not match the signed manifest", 55008, 0, T + 7), UNIT7)), key,
                "sign", null);
        byte[] bytes = new byte[3000];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) (i * 31 + 7);
        }
        String valid = codec.encodeToString(OtaChunk.of("unit-7", "act-1", 4096, 55008, bytes));
        Case chunk = (name, payload, k, expect, reason) -> cases.add(
                new OtaVectorCase(name, "ota-chunk", "unit-7", Topics.otaChunk("unit-7"), null, payload, T, expect,
                        reason));
        chunk.add("chunk", valid, null, "accept", null);
        chunk.add("chunk, fields reordered", reorder(valid), null, "accept", null);
        chunk.add("chunk offset at the total", valid.replace("\"offset\":4096", "\"offset\":55008"), null, "reject",
                "MALFORMED");
        chunk.add("chunk sha256 upper case", valid.replace(Hashes.sha256Hex(bytes),
                Hashes.sha256Hex(bytes).toUpperCase()), null, "reject", "MALFORMED");
        chunk.add("chunk without data", removeField(valid, "data"), null, "reject", "MALFORMED");
        chunk.add("chunk with an extra field", valid.replace("{", "{\"extra\":1,"), null, "reject", "MALFORMED");
        chunk.add("chunk schema version 2", valid.replace("\"v\":1", "\"v\":2"), null, "reject", "UNKNOWN_SCHEMA");
        chunk.add("chunk oversize", valid.replace("\"data\":\"", "\"data\":\"" + "A".repeat(44_000)), null, "reject",
                "OVERSIZE");
        return cases;
    }

    private String reorder(String valid) throws Exception {
        ObjectNode node = (ObjectNode) json.readTree(valid);
        ObjectNode out = json.createObjectNode();
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        for (int i = names.size() - 1; i >= 0; i--) {
            out.set(names.get(i), node.get(names.get(i)));
        }
        return json.writerWithDefaultPrettyPrinter().writeValueAsString(out);
    }

    private String removeField(String valid, String field) throws Exception {
        ObjectNode node = (ObjectNode) json.readTree(valid);
        node.remove(field);
        return json.writeValueAsString(node);
    }

    @FunctionalInterface
    interface Case {
        void add(String name, String payload, String key, String expect, String reason);
    }
}
