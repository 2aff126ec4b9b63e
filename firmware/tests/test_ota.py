"""The OTA mirror and Ed25519 under CPython (the MicroPython run is tests/mpy): SHA-512 against hashlib, RFC 8032
vectors, the Java-signed manifests, the shared OTA command / chunk / fetch / report vectors."""
import hashlib
import json
import os
import unittest

import _paths  # noqa: F401  (sys.path)
import maskgate_ed25519 as ed
import maskgate_protocol as p

OTA = os.path.join(_paths.VECTORS, "ota")


def _load(name):
    with open(os.path.join(OTA, name), encoding="utf-8") as f:
        return json.load(f)


class TestEd25519(unittest.TestCase):

    def test_sha512_equals_hashlib(self):
        for n in (0, 1, 111, 112, 127, 128, 129, 300, 1000):
            data = bytes((i * 7 + n) & 0xFF for i in range(n))
            self.assertEqual(hashlib.sha512(data).digest(), ed.sha512(data), n)

    def test_rfc8032_and_refusals(self):
        for c in _load("ed25519.json"):
            pub, msg, sig = (bytes.fromhex(c[k]) for k in ("public", "message", "signature"))
            self.assertTrue(ed.verify(pub, msg, sig), c["name"])
            self.assertFalse(ed.verify(pub, msg + b"\x00", sig), c["name"])
            self.assertFalse(ed.verify(pub, msg, sig[:32] + bytes(32)), c["name"])

    def test_manifest_vectors(self):
        for c in _load("manifest.json"):
            reason, _, _ = p.verify_manifest(c["payload"].encode("utf-8"), p.parse_key(c["key"]))
            self.assertEqual(c["reason"], reason, c["name"])


class TestOtaVectors(unittest.TestCase):

    def test_commands(self):
        for c in _load("ota-command.json"):
            reason, _ = p.verify_ota_command(c["unit"], p.parse_key(c["key"]), c["topic"],
                                             c["payload"].encode("utf-8"), c["now"])
            self.assertEqual(c["reason"], reason, c["name"])

    def test_unit_messages(self):
        for c in _load("ota-unit.json"):
            if c["kind"] == "ota-chunk":
                try:
                    p.decode_ota_chunk(c["payload"].encode("utf-8"))
                    reason = None
                except p.Reject as r:
                    reason = r.reason
                self.assertEqual(c["reason"], reason, c["name"])
                continue
            m = json.loads(c["payload"])
            key = p.parse_key(c["key"])
            if c["kind"] == "ota-fetch":
                mine = p.encode_ota_fetch(p.ota_fetch(m["unitId"], m["actionId"], m["offset"], m["length"], m["at"],
                                                      key))
            else:
                mine = p.encode_ota_report(p.ota_report(m["unitId"], m["actionId"], m["state"], m["version"],
                                                        m["runningVersion"], m["reason"], m["bytes"],
                                                        m["arenaBytes"], m["at"], key))
            self.assertEqual(c["payload"], mine.decode("utf-8"), c["name"])

    def test_self_test_inputs(self):
        for c in _load("selftest-input.json"):
            self.assertEqual(c["inputSha256"], hashlib.sha256(p.self_test_input(c["seed"], c["size"])).hexdigest())
