package io.maskgate.protocol.vectors;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.maskgate.protocol.AckStatus;
import io.maskgate.protocol.CommandAck;
import io.maskgate.protocol.Decision;
import io.maskgate.protocol.DoorAction;
import io.maskgate.protocol.DoorCommand;
import io.maskgate.protocol.FrameUpload;
import io.maskgate.protocol.HmacKey;
import io.maskgate.protocol.Label;
import io.maskgate.protocol.MessageCodec;
import io.maskgate.protocol.Signer;
import io.maskgate.protocol.Topics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Writes protocol/test-vectors/*.json. Runs ONLY when asked, so the committed vectors are never regenerated
 * silently:
 * {@code ./mvnw -B -pl protocol test -Dtest=GenerateTestVectorsTest -Dmaskgate.regenerateVectors=true}.
 * Keys are derived deterministically (SHA-256 of a label), so regeneration is reproducible; review the diff.
 */
@EnabledIfSystemProperty(named = "maskgate.regenerateVectors", matches = "true")
class GenerateTestVectorsTest {

    static final long T = 1_764_070_000_000L;
    static final long MAX_AGE = 30_000;
    static final long MAX_AHEAD = 5_000;
    static final HmacKey UNIT7 = testKey("unit-7");
    static final HmacKey UNIT8 = testKey("unit-8");
    static final HmacKey DOOR1 = testKey("door-1");
    static final HmacKey DOOR2 = testKey("door-2");
    static final String CMD_ID = "6f1c2a9e-3b7d-4c1e-9a55-0d2f8e4b7c31";

    private final MessageCodec codec = new MessageCodec();
    private final ObjectMapper json = new ObjectMapper();

    static HmacKey testKey(String label) {
        try {
            byte[] raw = MessageDigest.getInstance("SHA-256")
                    .digest(("maskgate test vector key " + label).getBytes(StandardCharsets.UTF_8));
            return HmacKey.ofBytes(raw);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void generate() throws Exception {
        Path dir = Path.of(System.getProperty("maskgate.protocol.dir", ".")).resolve("test-vectors");
        Files.createDirectories(dir);
        ObjectMapper out = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        out.writeValue(dir.resolve("decision.json").toFile(), decisions());
        out.writeValue(dir.resolve("command.json").toFile(), commands());
        out.writeValue(dir.resolve("ack.json").toFile(), acks());
        out.writeValue(dir.resolve("frame.json").toFile(), frames());
    }

    // ---------------------------------------------------------------- decisions

    private Decision decision(long seq, long capturedAt, Label label, int score, String model) {
        return Signer.sign(Decision.unsigned("unit-7", "door-1", seq, capturedAt, label, score, model), UNIT7);
    }

    private List<VectorCase> decisions() throws Exception {
        List<VectorCase> cases = new ArrayList<>();
        String topic = Topics.decision("unit-7");
        String key = UNIT7.toBase64Url();
        long now = T + 150;
        Decision base = decision(42, T, Label.MASK, 913, "tiny-v1");
        String valid = codec.encodeToString(base);
        Map<String, Object> fields = fields(valid);

        DecisionCase d = (name, payload, expect, reason) -> cases.add(
                new VectorCase(name, "decision", topic, null, key, true, payload, now, 41L, null, MAX_AGE, MAX_AHEAD,
                        expect, reason));
        d.add("valid MASK decision", valid, "accept", null);
        d.add("valid NO_MASK decision", codec.encodeToString(decision(42, T, Label.NO_MASK, 12, "tiny-v1")), "accept", null);
        d.add("valid score 0", codec.encodeToString(decision(42, T, Label.NO_MASK, 0, "tiny-v1")), "accept", null);
        d.add("valid score 1000", codec.encodeToString(decision(42, T, Label.MASK, 1000, "tiny-v1")), "accept", null);
        d.add("valid model version with spaces and punctuation",
                codec.encodeToString(decision(42, T, Label.MASK, 913, "tiny v1.2+int8 (2026-11-25)")), "accept", null);
        d.add("valid with fields reordered and whitespace", reorderedPretty(valid), "accept", null);
        d.add("valid seq far above last (gaps are allowed)",
                codec.encodeToString(decision(9_000_000_000L, T, Label.MASK, 913, "tiny-v1")), "accept", null);
        d.add("valid capturedAt exactly maxAge old",
                codec.encodeToString(decision(42, now - MAX_AGE, Label.MASK, 913, "tiny-v1")), "accept", null);
        d.add("valid capturedAt exactly maxAhead ahead",
                codec.encodeToString(decision(42, now + MAX_AHEAD, Label.MASK, 913, "tiny-v1")), "accept", null);
        String padded = pad(valid, 4096);
        d.add("valid payload of exactly 4096 bytes", padded, "accept", null);
        cases.add(new VectorCase("valid first decision of a unit (no last seq)", "decision", topic, null, key, true,
                codec.encodeToString(decision(1, T, Label.MASK, 913, "tiny-v1")), now, null, null, MAX_AGE,
                MAX_AHEAD, "accept", null));

        d.add("oversize payload of 4097 bytes", pad(valid, 4097), "reject", "OVERSIZE");
        d.add("oversize junk of 10000 bytes", "x".repeat(10_000), "reject", "OVERSIZE");

        d.add("not JSON", "hello door", "reject", "MALFORMED");
        d.add("empty payload", "", "reject", "MALFORMED");
        d.add("JSON array", "[" + valid + "]", "reject", "MALFORMED");
        d.add("JSON null", "null", "reject", "MALFORMED");
        d.add("truncated JSON", valid.substring(0, valid.length() - 5), "reject", "MALFORMED");
        d.add("trailing content after the object", valid + " {}", "reject", "MALFORMED");
        d.add("duplicate field", valid.replace("\"score\":913", "\"score\":913,\"score\":913"), "reject", "MALFORMED");
        d.add("missing score", json(without(fields, "score")), "reject", "MALFORMED");
        d.add("missing sig", json(without(fields, "sig")), "reject", "MALFORMED");
        d.add("missing v", json(without(fields, "v")), "reject", "MALFORMED");
        d.add("extra field", json(with(fields, m -> m.put("admin", true))), "reject", "MALFORMED");
        d.add("v as a string", json(with(fields, m -> m.put("v", "1"))), "reject", "MALFORMED");
        d.add("seq as a string", json(with(fields, m -> m.put("seq", "42"))), "reject", "MALFORMED");
        d.add("score as a float", valid.replace("\"score\":913", "\"score\":913.0"), "reject", "MALFORMED");
        d.add("score in exponent form", valid.replace("\"score\":913", "\"score\":9.13e2"), "reject", "MALFORMED");
        d.add("score as boolean", json(with(fields, m -> m.put("score", true))), "reject", "MALFORMED");
        d.add("score above 1000", json(with(fields, m -> m.put("score", 1001))), "reject", "MALFORMED");
        d.add("score negative", json(with(fields, m -> m.put("score", -1))), "reject", "MALFORMED");
        d.add("seq zero", json(with(fields, m -> m.put("seq", 0))), "reject", "MALFORMED");
        d.add("seq beyond 64 bits", valid.replace("\"seq\":42", "\"seq\":9223372036854775808"), "reject", "MALFORMED");
        d.add("capturedAt negative", json(with(fields, m -> m.put("capturedAt", -5))), "reject", "MALFORMED");
        d.add("label in lower case", json(with(fields, m -> m.put("label", "mask"))), "reject", "MALFORMED");
        d.add("label unknown", json(with(fields, m -> m.put("label", "MAYBE"))), "reject", "MALFORMED");
        d.add("label null", json(with(fields, m -> m.put("label", null))), "reject", "MALFORMED");
        d.add("unitId with a slash", json(with(fields, m -> m.put("unitId", "unit/7"))), "reject", "MALFORMED");
        d.add("unitId with a wildcard", json(with(fields, m -> m.put("unitId", "unit-+"))), "reject", "MALFORMED");
        d.add("unitId empty", json(with(fields, m -> m.put("unitId", ""))), "reject", "MALFORMED");
        d.add("doorId of 65 characters", json(with(fields, m -> m.put("doorId", "d".repeat(65)))), "reject", "MALFORMED");
        d.add("modelVersion with a newline (canonical form injection)",
                json(with(fields, m -> m.put("modelVersion", "tiny-v1\nMASK"))), "reject", "MALFORMED");
        d.add("modelVersion non-ASCII", json(with(fields, m -> m.put("modelVersion", "tiny-\u00e9"))), "reject", "MALFORMED");
        d.add("sig as a number", json(with(fields, m -> m.put("sig", 12345))), "reject", "MALFORMED");
        d.add("sig null", json(with(fields, m -> m.put("sig", null))), "reject", "MALFORMED");

        d.add("schema version 2", json(with(fields, m -> m.put("v", 2))), "reject", "UNKNOWN_SCHEMA");
        d.add("schema version 0", json(with(fields, m -> m.put("v", 0))), "reject", "UNKNOWN_SCHEMA");
        d.add("schema version 2 with a different shape", "{\"v\":2,\"unit\":\"unit-7\",\"payload\":[1,2,3]}",
                "reject", "UNKNOWN_SCHEMA");

        cases.add(new VectorCase("unknown unit (no key registered)", "decision", topic, null, null, true, valid, now,
                null, null, MAX_AGE, MAX_AHEAD, "reject", "UNKNOWN_UNIT"));
        cases.add(new VectorCase("disabled unit", "decision", topic, null, key, false, valid, now, 41L, null, MAX_AGE,
                MAX_AHEAD, "reject", "UNIT_DISABLED"));

        d.add("signature with one hex digit changed", json(with(fields, m -> m.put("sig", flipLast(base.sig())))),
                "reject", "BAD_SIGNATURE");
        d.add("signed with another unit's key", codec.encodeToString(
                Signer.sign(Decision.unsigned("unit-7", "door-1", 42, T, Label.MASK, 913, "tiny-v1"), UNIT8)),
                "reject", "BAD_SIGNATURE");
        d.add("label flipped after signing", json(with(fields, m -> m.put("label", "NO_MASK"))), "reject", "BAD_SIGNATURE");
        d.add("score raised after signing", json(with(fields, m -> m.put("score", 999))), "reject", "BAD_SIGNATURE");
        d.add("seq bumped after signing (replay disguise)", json(with(fields, m -> m.put("seq", 43))), "reject", "BAD_SIGNATURE");
        d.add("door changed after signing", json(with(fields, m -> m.put("doorId", "door-2"))), "reject", "BAD_SIGNATURE");
        d.add("signature in upper-case hex", json(with(fields, m -> m.put("sig", base.sig().toUpperCase()))), "reject", "BAD_SIGNATURE");
        d.add("signature empty", json(with(fields, m -> m.put("sig", ""))), "reject", "BAD_SIGNATURE");
        d.add("signature of the JSON instead of the canonical form",
                json(with(fields, m -> m.put("sig", Signer.hmacHex(UNIT7, json(without(fields, "sig")))))),
                "reject", "BAD_SIGNATURE");
        d.add("bad signature wins over staleness", codec.encodeToString(
                decision(42, now - MAX_AGE - 1, Label.MASK, 913, "tiny-v1").withSig(base.sig())), "reject", "BAD_SIGNATURE");

        for (String[] t : new String[][]{
                {"published under another unit's topic", Topics.decision("unit-8")},
                {"published on the status topic", Topics.status("unit-7")},
                {"published on a topic with a trailing slash", Topics.decision("unit-7") + "/"},
                {"published under an unversioned prefix", "maskgate/units/unit-7/decision"}}) {
            cases.add(new VectorCase(t[0], "decision", t[1], null, key, true, valid, now, 41L, null, MAX_AGE,
                    MAX_AHEAD, "reject", "TOPIC_MISMATCH"));
        }

        d.add("replayed seq equal to the last accepted", codec.encodeToString(decision(41, T, Label.MASK, 913, "tiny-v1")),
                "reject", "REPLAY");
        d.add("replayed seq below the last accepted", codec.encodeToString(decision(7, T, Label.MASK, 913, "tiny-v1")),
                "reject", "REPLAY");
        d.add("replay wins over staleness", codec.encodeToString(decision(41, now - MAX_AGE - 1, Label.MASK, 913, "tiny-v1")),
                "reject", "REPLAY");

        d.add("stale by 1 ms", codec.encodeToString(decision(42, now - MAX_AGE - 1, Label.MASK, 913, "tiny-v1")),
                "reject", "STALE");
        d.add("stale by a day", codec.encodeToString(decision(42, now - 86_400_000L, Label.MASK, 913, "tiny-v1")),
                "reject", "STALE");
        d.add("future by 1 ms beyond the allowance",
                codec.encodeToString(decision(42, now + MAX_AHEAD + 1, Label.MASK, 913, "tiny-v1")), "reject", "FUTURE");
        d.add("future by a year", codec.encodeToString(decision(42, now + 31_536_000_000L, Label.MASK, 913, "tiny-v1")),
                "reject", "FUTURE");
        return cases;
    }

    // ---------------------------------------------------------------- commands

    private DoorCommand command(String id, String door, DoorAction action, long duration, long issued, long expires,
                                int attempt, HmacKey key) {
        return Signer.sign(DoorCommand.unsigned(id, door, action, duration, issued, expires, attempt), key);
    }

    private List<VectorCase> commands() throws Exception {
        List<VectorCase> cases = new ArrayList<>();
        String topic = Topics.command("door-1");
        String key = DOOR1.toBase64Url();
        long now = T + 40;
        DoorCommand base = command(CMD_ID, "door-1", DoorAction.UNLOCK, 5000, T, T + 10_000, 1, DOOR1);
        String valid = codec.encodeToString(base);
        Map<String, Object> fields = fields(valid);
        List<String> seenOthers = List.of("0b7e3f1a-93c4-4d0e-8f7a-5c2d1e6b9a40", "previous-command-1");

        CommandCase c = (name, payload, tNow, seen, expect, reason) -> cases.add(
                new VectorCase(name, "command", topic, "door-1", key, true, payload, tNow, null, seen, MAX_AGE,
                        MAX_AHEAD, expect, reason));
        c.add("valid UNLOCK", valid, now, List.of(), "accept", null);
        c.add("valid UNLOCK with other commands already seen", valid, now, seenOthers, "accept", null);
        c.add("valid LOCK with duration 0", codec.encodeToString(
                command("lock-0001", "door-1", DoorAction.LOCK, 0, T, T + 10_000, 1, DOOR1)), now, List.of(), "accept", null);
        c.add("valid retry (attempt 2)", codec.encodeToString(
                command(CMD_ID, "door-1", DoorAction.UNLOCK, 5000, T, T + 10_000, 2, DOOR1)), now, List.of(), "accept", null);
        c.add("valid 1 ms before expiry", valid, T + 9_999, List.of(), "accept", null);
        c.add("valid issuedAt exactly maxAhead ahead (actuator clock behind)", valid, T - MAX_AHEAD, List.of(), "accept", null);

        c.add("expired exactly at expiresAt", valid, T + 10_000, List.of(), "reject", "EXPIRED");
        c.add("expired an hour ago (late delivery)", valid, T + 3_600_000, List.of(), "reject", "EXPIRED");
        c.add("replayed command id", valid, now, List.of(CMD_ID), "reject", "REPLAY");
        c.add("replayed retry of an executed command", codec.encodeToString(
                command(CMD_ID, "door-1", DoorAction.UNLOCK, 5000, T, T + 10_000, 2, DOOR1)), now, List.of(CMD_ID), "reject", "REPLAY");
        c.add("expired wins over replay", valid, T + 10_000, List.of(CMD_ID), "reject", "EXPIRED");
        c.add("command for another door signed with this door's key", codec.encodeToString(
                command(CMD_ID, "door-2", DoorAction.UNLOCK, 5000, T, T + 10_000, 1, DOOR1)), now, List.of(), "reject", "WRONG_DOOR");
        c.add("command for another door signed with that door's key", codec.encodeToString(
                command(CMD_ID, "door-2", DoorAction.UNLOCK, 5000, T, T + 10_000, 1, DOOR2)), now, List.of(), "reject", "WRONG_DOOR");
        c.add("forged signature", json(with(fields, m -> m.put("sig", flipLast(base.sig())))), now, List.of(), "reject", "BAD_SIGNATURE");
        c.add("signed with a unit key instead of the door key", codec.encodeToString(
                command(CMD_ID, "door-1", DoorAction.UNLOCK, 5000, T, T + 10_000, 1, UNIT7)), now, List.of(), "reject", "BAD_SIGNATURE");
        c.add("duration stretched after signing", json(with(fields, m -> m.put("durationMs", 600000))), now, List.of(), "reject", "BAD_SIGNATURE");
        c.add("expiry extended after signing", json(with(fields, m -> m.put("expiresAt", T + 20_000))), T + 15_000, List.of(), "reject", "BAD_SIGNATURE");
        c.add("LOCK turned into UNLOCK after signing", json(with(fields(codec.encodeToString(
                command("lock-0002", "door-1", DoorAction.LOCK, 5000, T, T + 10_000, 1, DOOR1))),
                m -> m.put("action", "UNLOCK"))), now, List.of(), "reject", "BAD_SIGNATURE");
        c.add("issued too far in the future", codec.encodeToString(
                command(CMD_ID, "door-1", DoorAction.UNLOCK, 5000, now + MAX_AHEAD + 1, now + MAX_AHEAD + 10_000, 1, DOOR1)),
                now, List.of(), "reject", "FUTURE");
        c.add("expiresAt equal to issuedAt", json(with(fields, m -> m.put("expiresAt", T))), now, List.of(), "reject", "MALFORMED");
        c.add("lifetime above 10 minutes", json(with(fields, m -> m.put("expiresAt", T + 600_001))), now, List.of(), "reject", "MALFORMED");
        c.add("duration above 10 minutes", json(with(fields, m -> m.put("durationMs", 600_001))), now, List.of(), "reject", "MALFORMED");
        c.add("unknown action OPEN", json(with(fields, m -> m.put("action", "OPEN"))), now, List.of(), "reject", "MALFORMED");
        c.add("attempt 0", json(with(fields, m -> m.put("attempt", 0))), now, List.of(), "reject", "MALFORMED");
        c.add("commandId with a slash", json(with(fields, m -> m.put("commandId", "a/b"))), now, List.of(), "reject", "MALFORMED");
        c.add("missing expiresAt", json(without(fields, "expiresAt")), now, List.of(), "reject", "MALFORMED");
        c.add("not JSON", "UNLOCK door-1", now, List.of(), "reject", "MALFORMED");
        c.add("oversize", pad(valid, 4097), now, List.of(), "reject", "OVERSIZE");
        c.add("schema version 3", json(with(fields, m -> m.put("v", 3))), now, List.of(), "reject", "UNKNOWN_SCHEMA");
        cases.add(new VectorCase("arrived on another door's topic", "command", Topics.command("door-2"), "door-1", key,
                true, valid, now, null, List.of(), MAX_AGE, MAX_AHEAD, "reject", "TOPIC_MISMATCH"));
        cases.add(new VectorCase("arrived on the ack topic", "command", Topics.ack("door-1"), "door-1", key,
                true, valid, now, null, List.of(), MAX_AGE, MAX_AHEAD, "reject", "TOPIC_MISMATCH"));
        return cases;
    }

    // ---------------------------------------------------------------- acks

    private CommandAck ack(String door, AckStatus status, String reason, long at, HmacKey key) {
        return Signer.sign(CommandAck.unsigned(CMD_ID, door, status, reason, at), key);
    }

    private List<VectorCase> acks() throws Exception {
        List<VectorCase> cases = new ArrayList<>();
        String topic = Topics.ack("door-1");
        String key = DOOR1.toBase64Url();
        long now = T + 60;
        CommandAck base = ack("door-1", AckStatus.DONE, null, T + 45, DOOR1);
        String valid = codec.encodeToString(base);
        Map<String, Object> fields = fields(valid);

        DecisionCase a = (name, payload, expect, reason) -> cases.add(
                new VectorCase(name, "ack", topic, null, key, true, payload, now, null, null, MAX_AGE, MAX_AHEAD,
                        expect, reason));
        a.add("valid DONE ack", valid, "accept", null);
        a.add("valid REJECTED ack with reason", codec.encodeToString(
                ack("door-1", AckStatus.REJECTED, "EXPIRED", T + 45, DOOR1)), "accept", null);
        a.add("valid REJECTED ack with free-text reason", codec.encodeToString(
                ack("door-1", AckStatus.REJECTED, "bolt jammed: motor current 2.1 A", T + 45, DOOR1)), "accept", null);
        a.add("forged signature", json(with(fields, m -> m.put("sig", flipLast(base.sig())))), "reject", "BAD_SIGNATURE");
        a.add("REJECTED turned into DONE after signing", json(with(fields(codec.encodeToString(
                ack("door-1", AckStatus.REJECTED, "EXPIRED", T + 45, DOOR1))), m -> m.put("status", "DONE"))),
                "reject", "BAD_SIGNATURE");
        a.add("reason empty string instead of null (same canonical form, so it verifies)",
                json(with(fields, m -> m.put("reason", ""))), "accept", null);
        a.add("signed with another door's key", codec.encodeToString(ack("door-1", AckStatus.DONE, null, T + 45, DOOR2)),
                "reject", "BAD_SIGNATURE");
        a.add("stale ack", codec.encodeToString(ack("door-1", AckStatus.DONE, null, now - MAX_AGE - 1, DOOR1)),
                "reject", "STALE");
        a.add("future ack", codec.encodeToString(ack("door-1", AckStatus.DONE, null, now + MAX_AHEAD + 1, DOOR1)),
                "reject", "FUTURE");
        a.add("missing reason (must be present, may be null)", json(without(fields, "reason")), "reject", "MALFORMED");
        a.add("unknown status OK", json(with(fields, m -> m.put("status", "OK"))), "reject", "MALFORMED");
        a.add("reason with a newline", json(with(fields, m -> m.put("reason", "a\nb"))), "reject", "MALFORMED");
        a.add("reason of 201 characters", json(with(fields, m -> m.put("reason", "r".repeat(201)))), "reject", "MALFORMED");
        a.add("oversize", pad(valid, 5000), "reject", "OVERSIZE");
        a.add("schema version 2", json(with(fields, m -> m.put("v", 2))), "reject", "UNKNOWN_SCHEMA");
        cases.add(new VectorCase("ack of door-1 on door-2's topic", "ack", Topics.ack("door-2"), null, key, true,
                valid, now, null, null, MAX_AGE, MAX_AHEAD, "reject", "TOPIC_MISMATCH"));
        cases.add(new VectorCase("ack from a door without a key", "ack", topic, null, null, true,
                valid, now, null, null, MAX_AGE, MAX_AHEAD, "reject", "UNKNOWN_DOOR"));
        return cases;
    }

    // ---------------------------------------------------------------- frames

    /** A grey 32x32 PNG as the crop: the protocol does not look inside the image (the service does). */
    static final String CROP = "iVBORw0KGgoAAAANSUhEUgAAACAAAAAgCAIAAAD8GO2jAAAAJklEQVR42u3NMQ0AAAwDoEqv9KrYsQQMkB6LQCAQCAQ"
            + "CgUAg+BIMLd4AWwUPN68AAAAASUVORK5CYII=";

    private FrameUpload frame(String unit, String door, long seq, int score, String image, HmacKey key) {
        return Signer.sign(FrameUpload.unsigned(unit, door, seq, T, image, score), key);
    }

    private List<VectorCase> frames() throws Exception {
        List<VectorCase> cases = new ArrayList<>();
        String topic = Topics.frame("unit-7");
        String key = UNIT7.toBase64Url();
        long now = T + 150;
        VectorCase.Held held = new VectorCase.Held(42, "door-1", 613);
        FrameUpload base = frame("unit-7", "door-1", 42, 613, CROP, UNIT7);
        String valid = codec.encodeToString(base);
        Map<String, Object> fields = fields(valid);

        FrameCase f = (name, payload, heldDecision, seen, expect, reason) -> cases.add(new VectorCase(name, "frame",
                topic, null, key, true, payload, now, null, seen, MAX_AGE, MAX_AHEAD, expect, reason, heldDecision));
        f.add("valid frame of a held decision", valid, held, List.of(), "accept", null);
        f.add("valid frame while other decisions' frames arrived", valid, held, List.of("40", "41", "43"), "accept",
                null);
        String big = "A".repeat(65_536 - (valid.length() - CROP.length()) - 4) + "AA==";
        f.add("valid frame of exactly 65536 bytes", codec.encodeToString(frame("unit-7", "door-1", 42, 613, big,
                UNIT7)), held, List.of(), "accept", null);

        f.add("oversize frame of 65537 bytes", pad(valid, 65_537), held, List.of(), "reject", "OVERSIZE");
        f.add("not JSON", "<jpeg>", held, List.of(), "reject", "MALFORMED");
        f.add("image not base64", json(with(fields, m -> m.put("jpegBase64", "not base64!"))), held, List.of(),
                "reject", "MALFORMED");
        f.add("image base64 without padding", json(with(fields, m -> m.put("jpegBase64", "iVBORw0"))), held,
                List.of(), "reject", "MALFORMED");
        f.add("image empty", json(with(fields, m -> m.put("jpegBase64", ""))), held, List.of(), "reject", "MALFORMED");
        f.add("image URL-safe base64", json(with(fields, m -> m.put("jpegBase64", "ab-_"))), held, List.of(),
                "reject", "MALFORMED");
        f.add("score above 1000", json(with(fields, m -> m.put("score", 1001))), held, List.of(), "reject",
                "MALFORMED");
        f.add("missing seq", json(without(fields, "seq")), held, List.of(), "reject", "MALFORMED");
        f.add("extra field", json(with(fields, m -> m.put("label", "MASK"))), held, List.of(), "reject", "MALFORMED");
        f.add("schema version 2", json(with(fields, m -> m.put("v", 2))), held, List.of(), "reject",
                "UNKNOWN_SCHEMA");
        f.add("forged signature", json(with(fields, m -> m.put("sig", flipLast(base.sig())))), held, List.of(),
                "reject", "BAD_SIGNATURE");
        f.add("image swapped after signing", json(with(fields, m -> m.put("jpegBase64", "AAAA"))), held, List.of(),
                "reject", "BAD_SIGNATURE");
        f.add("score raised after signing", json(with(fields, m -> m.put("score", 950))), held, List.of(),
                "reject", "BAD_SIGNATURE");
        f.add("signed with another unit's key", codec.encodeToString(frame("unit-7", "door-1", 42, 613, CROP,
                UNIT8)), held, List.of(), "reject", "BAD_SIGNATURE");
        f.add("no decision held", valid, null, List.of(), "reject", "UNKNOWN_DECISION");
        f.add("held decision has another seq", codec.encodeToString(frame("unit-7", "door-1", 43, 613, CROP,
                UNIT7)), held, List.of(), "reject", "UNKNOWN_DECISION");
        f.add("held decision has another score", codec.encodeToString(frame("unit-7", "door-1", 42, 614, CROP,
                UNIT7)), held, List.of(), "reject", "FRAME_MISMATCH");
        f.add("held decision was for another door", codec.encodeToString(frame("unit-7", "door-2", 42, 613, CROP,
                UNIT7)), held, List.of(), "reject", "FRAME_MISMATCH");
        f.add("frame of this decision already arrived", valid, held, List.of("42"), "reject", "REPLAY");
        cases.add(new VectorCase("frame of unit-7 on unit-8's topic", "frame", Topics.frame("unit-8"), null, key,
                true, valid, now, null, List.of(), MAX_AGE, MAX_AHEAD, "reject", "TOPIC_MISMATCH", held));
        cases.add(new VectorCase("frame on the decision topic", "frame", Topics.decision("unit-7"), null, key,
                true, valid, now, null, List.of(), MAX_AGE, MAX_AHEAD, "reject", "TOPIC_MISMATCH", held));
        cases.add(new VectorCase("frame from an unregistered unit", "frame", topic, null, null, true, valid, now,
                null, List.of(), MAX_AGE, MAX_AHEAD, "reject", "UNKNOWN_UNIT", held));
        cases.add(new VectorCase("frame from a disabled unit", "frame", topic, null, key, false, valid, now,
                null, List.of(), MAX_AGE, MAX_AHEAD, "reject", "UNIT_DISABLED", held));
        return cases;
    }

    @FunctionalInterface
    interface FrameCase {
        void add(String name, String payload, VectorCase.Held held, List<String> seen, String expect, String reason);
    }

    // ---------------------------------------------------------------- helpers

    @FunctionalInterface
    interface DecisionCase {
        void add(String name, String payload, String expect, String reason);
    }

    @FunctionalInterface
    interface CommandCase {
        void add(String name, String payload, long now, List<String> seen, String expect, String reason);
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> fields(String payload) throws Exception {
        return json.readValue(payload, LinkedHashMap.class);
    }

    private static Map<String, Object> without(Map<String, Object> fields, String name) {
        Map<String, Object> copy = new LinkedHashMap<>(fields);
        copy.remove(name);
        return copy;
    }

    private static Map<String, Object> with(Map<String, Object> fields, Consumer<Map<String, Object>> change) {
        Map<String, Object> copy = new LinkedHashMap<>(fields);
        change.accept(copy);
        return copy;
    }

    private String json(Map<String, Object> fields) {
        try {
            return json.writeValueAsString(fields);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private String reorderedPretty(String payload) throws Exception {
        List<Map.Entry<String, Object>> entries = new ArrayList<>(fields(payload).entrySet());
        java.util.Collections.reverse(entries);
        Map<String, Object> reversed = new LinkedHashMap<>();
        entries.forEach(e -> reversed.put(e.getKey(), e.getValue()));
        return json.writerWithDefaultPrettyPrinter().writeValueAsString(reversed);
    }

    /** The JSON object followed by spaces up to exactly {@code bytes} bytes (whitespace is valid JSON). */
    private static String pad(String payload, int bytes) {
        int have = payload.getBytes(StandardCharsets.UTF_8).length;
        return payload + " ".repeat(bytes - have);
    }

    private static String flipLast(String sig) {
        char last = sig.charAt(sig.length() - 1);
        return sig.substring(0, sig.length() - 1) + (last == '0' ? '1' : '0');
    }
}
