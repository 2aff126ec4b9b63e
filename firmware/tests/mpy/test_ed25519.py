"""The firmware's pure-Python Ed25519 (maskgate_ed25519) under real MicroPython: RFC 8032 section 7.1 tests, the
manifests the Java FleetKey signed (protocol/test-vectors/ota/manifest.json), SHA-512 known answers, and
refusal of altered signatures, keys and messages."""
import binascii
import json
import time
import unittest

import maskgate_ed25519 as ed
import maskgate_protocol as p


def _hex(s):
    return binascii.unhexlify(s)


def _rfc():
    with open("/vectors/ota/ed25519.json") as f:
        return json.loads(f.read())


class TestEd25519(unittest.TestCase):

    def test_sha512_known_answers(self):
        # FIPS 180-4 examples: "abc" and the empty string
        self.assertEqual("ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c"
                         "23a3feebbd454d4423643ce80e2a9ac94fa54ca49f", binascii.hexlify(ed.sha512(b"abc")).decode())
        self.assertEqual("cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2"
                         "877eec2f63b931bd47417a81a538327af927da3e", binascii.hexlify(ed.sha512(b"")).decode())

    def test_rfc8032_vectors_verify(self):
        cases = _rfc()
        self.assertTrue(len(cases) >= 3)
        for c in cases:
            self.assertTrue(ed.verify(_hex(c["public"]), _hex(c["message"]), _hex(c["signature"])), c["name"])

    def test_altered_signature_message_or_key_is_refused(self):
        for c in _rfc():
            pub, msg, sig = _hex(c["public"]), _hex(c["message"]), _hex(c["signature"])
            for i in (0, 31, 32, 63):
                bad = bytearray(sig)
                bad[i] ^= 0x01
                self.assertFalse(ed.verify(pub, msg, bytes(bad)), c["name"] + " sig byte %d" % i)
            self.assertFalse(ed.verify(pub, msg + b"x", sig), c["name"] + " message")
            bad_pub = bytearray(pub)
            bad_pub[0] ^= 0x01
            self.assertFalse(ed.verify(bytes(bad_pub), msg, sig), c["name"] + " key")
            self.assertFalse(ed.verify(pub, msg, sig[:63]), "short signature")
            # S + L: same point, non-canonical scalar (RFC 8032 requires S < L)
            s = int.from_bytes(sig[32:], "little") + (1 << 252) + 27742317777372353535851937790883648493
            if s < (1 << 256):
                self.assertFalse(ed.verify(pub, msg, sig[:32] + s.to_bytes(32, "little")))

    def test_manifests_signed_by_java_fleet_key(self):
        with open("/vectors/ota/manifest.json") as f:
            cases = json.loads(f.read())
        checked = 0
        for c in cases:
            reason, msg, detail = p.verify_manifest(c["payload"].encode("utf-8"), p.parse_key(c["key"]))
            self.assertEqual(c["reason"], reason, c["name"] + ": " + str(detail))
            checked += 1
        self.assertTrue(checked >= 10)

    def test_verify_time_is_reported(self):
        c = _rfc()[0]
        t0 = time.ticks_ms()
        self.assertTrue(ed.verify(_hex(c["public"]), _hex(c["message"]), _hex(c["signature"])))
        print("ed25519 verify under MicroPython: %d ms" % time.ticks_diff(time.ticks_ms(), t0))
