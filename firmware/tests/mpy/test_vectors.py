"""protocol/test-vectors/*.json (the files the Java protocol module runs) against the firmware's protocol module,
under real MicroPython: verdicts, and the firmware's own signatures byte for byte."""
import json
import os
import unittest

import maskgate_protocol as p


def load_cases():
    cases = []
    for name in sorted(os.listdir("/vectors")):
        if name.endswith(".json"):
            with open("/vectors/" + name) as f:
                cases.extend(json.loads(f.read()))
    return cases


def verify(case):
    key = p.parse_key(case["key"]) if case["key"] is not None else None
    payload = case["payload"].encode("utf-8")
    kind = case["kind"]
    if kind == "decision":
        credentials = None if key is None else (key, case["enabled"])
        return p.verify_decision(case["topic"], payload, credentials, case["lastSeq"], case["now"],
                                 case["maxAgeMs"], case["maxAheadMs"])
    if kind == "command":
        return p.verify_command(case["topic"], payload, case["door"], key, set(case["seen"]), case["now"],
                                case["maxAheadMs"])
    if kind == "ack":
        return p.verify_ack(case["topic"], payload, key, case["now"], case["maxAgeMs"], case["maxAheadMs"])
    if kind == "frame":
        credentials = None if key is None else (key, case["enabled"])
        held = case.get("held")
        held = None if held is None else (held["seq"], held["doorId"], held["score"])
        return p.verify_frame(case["topic"], payload, credentials, held, set(int(s) for s in case["seen"]))
    raise AssertionError("unknown kind " + kind)


class TestVectors(unittest.TestCase):

    def test_vector_files_exist(self):
        cases = load_cases()
        self.assertTrue(len(cases) > 50, "expected the protocol test vectors")
        self.assertEqual({"decision", "command", "ack", "frame"}, set(c["kind"] for c in cases))

    def test_every_vector_gets_its_expected_verdict(self):
        wrong = []
        for case in load_cases():
            reason, msg = verify(case)
            if case["expect"] == "accept":
                if reason is not None or msg is None:
                    wrong.append((case["kind"], case["name"], "accept", reason))
            elif case["reason"] != reason:
                wrong.append((case["kind"], case["name"], case["reason"], reason))
        self.assertEqual([], wrong)

    def test_firmware_signs_every_accepted_decision_byte_for_byte(self):
        accepted = [c for c in load_cases() if c["kind"] == "decision" and c["expect"] == "accept"]
        self.assertTrue(accepted)
        exact = 0
        for case in accepted:
            m = json.loads(case["payload"])
            signed = p.decision(m["unitId"], m["doorId"], m["seq"], m["capturedAt"], m["label"], m["score"],
                                m["modelVersion"], p.parse_key(case["key"]))
            self.assertEqual(m["sig"], signed["sig"], case["name"])
            if case["name"] == "valid MASK decision":
                self.assertEqual(case["payload"].encode("utf-8"), p.encode_decision(signed))
                exact += 1
        self.assertEqual(1, exact)

    def test_firmware_signs_every_accepted_frame_byte_for_byte(self):
        accepted = [c for c in load_cases() if c["kind"] == "frame" and c["expect"] == "accept"]
        self.assertTrue(accepted)
        for case in accepted:
            m = json.loads(case["payload"])
            signed = p.frame(m["unitId"], m["doorId"], m["seq"], m["capturedAt"], m["jpegBase64"], m["score"],
                             p.parse_key(case["key"]))
            self.assertEqual(m["sig"], signed["sig"], case["name"])
            self.assertEqual(case["payload"].encode("utf-8"), p.encode_frame(signed))

    def test_firmware_acks_verify_like_java_acks(self):
        n = 0
        for case in load_cases():
            if case["kind"] == "ack" and case["expect"] == "accept":
                m = json.loads(case["payload"])
                signed = p.ack(m["commandId"], m["doorId"], m["status"], m["reason"], m["at"],
                               p.parse_key(case["key"]))
                self.assertEqual(m["sig"], signed["sig"], case["name"])
                n += 1
        self.assertTrue(n > 0)
