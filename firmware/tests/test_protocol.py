"""Known answers and edge cases of the firmware's protocol module beyond the shared vectors."""
import hashlib
import hmac
import os
import unittest

import _paths  # noqa: F401
import maskgate_protocol as p


class TestHmac(unittest.TestCase):

    def test_hand_written_hmac_equals_the_standard_library(self):
        for key in (b"\x00" * 32, os.urandom(32), os.urandom(64), os.urandom(100), b""):
            for data in (b"", b"decision\n1\nunit-7", os.urandom(300)):
                self.assertEqual(hmac.new(key, data, hashlib.sha256).digest(), p.hmac_sha256(key, data))

    def test_rfc4231_case_2(self):
        self.assertEqual("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
                         p.hmac_hex(b"Jefe", "what do ya want for nothing?"))


class TestTopicsAndKeys(unittest.TestCase):

    def test_topics_match_the_java_tree(self):
        self.assertEqual("maskgate/v1/units/unit-7/decision", p.topic_decision("unit-7"))
        self.assertEqual("maskgate/v1/units/unit-7/status", p.topic_status("unit-7"))
        self.assertEqual("maskgate/v1/units/unit-7/frame", p.topic_frame("unit-7"))
        self.assertEqual("maskgate/v1/doors/door-1/command", p.topic_command("door-1"))
        self.assertEqual("maskgate/v1/doors/door-1/ack", p.topic_ack("door-1"))
        for bad in ("", "a/b", "+", "#", "x" * 65, "unit 7", None):
            self.assertRaises(ValueError, p.topic_decision, bad)

    def test_keys_parse_base64url_and_refuse_other_lengths(self):
        raw = os.urandom(32)
        import base64
        text = base64.urlsafe_b64encode(raw).decode().rstrip("=")
        self.assertEqual(raw, p.parse_key(text))
        self.assertEqual(raw, p.parse_key(" " + text + "=\n"))
        self.assertRaises(ValueError, p.parse_key, "c2hvcnQ")
        self.assertRaises(ValueError, p.parse_key, "+/" + text[2:])


class TestEncoding(unittest.TestCase):

    def test_decision_builder_refuses_invalid_fields(self):
        key = os.urandom(32)
        self.assertRaises(ValueError, p.decision, "u", "d", 0, 1, "MASK", 500, "m", key)
        self.assertRaises(ValueError, p.decision, "u", "d", 1, 1, "MASK", 1001, "m", key)
        self.assertRaises(ValueError, p.decision, "u", "d", 1, 1, "mask", 500, "m", key)
        self.assertRaises(ValueError, p.decision, "u", "d", 1, 1, "MASK", 500, "m\nx", key)

    def test_status_round_trips_and_is_strict(self):
        s = p.status("unit-7", False, "tiny-v1", 29.5, 3.0, 2, 1764070000000)
        payload = p.encode_status(s)
        self.assertEqual(s, p.decode_status(payload))
        bad = payload.replace(b'"online":false', b'"online":0')
        with self.assertRaises(p.Reject) as ctx:
            p.decode_status(bad)
        self.assertEqual(p.MALFORMED, ctx.exception.reason)


if __name__ == "__main__":
    unittest.main()
