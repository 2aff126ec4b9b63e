"""The firmware's protocol module under real MicroPython: HMAC-SHA256 over hashlib.sha256 (no hmac module on the
camera) with RFC 4231 known answers, base64url keys, and strict decoding where MicroPython's json differs."""
import random
import unittest

import maskgate_protocol as p
from binascii import hexlify, unhexlify


def random_bytes(n):
    return bytes(random.getrandbits(8) for _ in range(n))  # MicroPython's os has no urandom here


class TestHmac(unittest.TestCase):

    def test_rfc4231_known_answers(self):
        cases = [
            (b"\x0b" * 20, b"Hi There", "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"),
            (b"Jefe", b"what do ya want for nothing?",
             "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"),
            (b"\xaa" * 131, b"Test Using Larger Than Block-Size Key - Hash Key First",
             "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"),
        ]
        for key, data, expected in cases:
            self.assertEqual(expected, hexlify(p.hmac_sha256(key, data)).decode())

    def test_equals_micropython_lib_hmac(self):
        import hmac  # test code only: the WebAssembly build freezes micropython-lib's hmac, OpenMV does not
        import hashlib
        for key_len in (0, 32, 64, 65, 100):
            key = random_bytes(key_len)
            for data in (b"", b"decision\n1\nunit-7", random_bytes(300)):
                self.assertEqual(hmac.new(key, data, hashlib.sha256).digest(), p.hmac_sha256(key, data))


class TestKeysAndTopics(unittest.TestCase):

    def test_keys_parse_base64url_and_refuse_other_lengths(self):
        from binascii import b2a_base64
        raw = unhexlify("fbff" * 16)  # base64 '+' and '/' become base64url '-' and '_'
        text = b2a_base64(raw).decode().strip().rstrip("=").replace("+", "-").replace("/", "_")
        self.assertTrue("-" in text and "_" in text)
        self.assertEqual(raw, p.parse_key(text))
        self.assertEqual(raw, p.parse_key(" " + text + "=\n"))
        self.assertRaises(ValueError, p.parse_key, "c2hvcnQ")
        self.assertRaises(ValueError, p.parse_key, "+/" + text[2:])

    def test_topics_refuse_bad_ids(self):
        self.assertEqual("maskgate/v1/units/unit-7/decision", p.topic_decision("unit-7"))
        for bad in ("", "a/b", "+", "#", "x" * 65, "unit 7", None):
            self.assertRaises(ValueError, p.topic_decision, bad)


class TestStrictJsonOnMicroPython(unittest.TestCase):

    def test_duplicate_fields_are_refused_even_when_escaped(self):
        key = random_bytes(32)
        good = p.encode_decision(p.decision("u", "d", 5, 1764070000000, "MASK", 900, "m", key))
        self.assertEqual(5, p.decode_decision(good)["seq"])
        for dup in (good[:-1] + b',"seq":6}', good[:-1] + b',"s\\u0065q":6}'):
            with self.assertRaises(p.Reject) as ctx:
                p.decode_decision(dup)
            self.assertEqual(p.MALFORMED, ctx.exception.reason)

    def test_nested_keys_are_not_mistaken_for_duplicates(self):
        self.assertEqual(["a", "b"], p._top_level_keys('{"a": {"b": 1, "a": 2}, "b": "x\\"a\\":"}'))

    def test_large_integers_survive_encoding(self):
        msg = p.decision("u", "d", p.LONG_MAX, 1764070000000, "NO_MASK", 0, "m", random_bytes(32))
        self.assertEqual(p.LONG_MAX, p.decode_decision(p.encode_decision(msg))["seq"])

    def test_status_round_trips(self):
        s = p.status("unit-7", False, "tiny-v1", 29.5, 3.0, 2, 1764070000000)
        self.assertEqual(s, p.decode_status(p.encode_status(s)))
