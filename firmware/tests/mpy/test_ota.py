"""The OTA client (maskgate_ota) under real MicroPython with its slots on the emulated flash, against a stand-in
service that answers fetches from the model bytes: a good install, chunks damaged on the way, a corrupted
download, bad signatures, a self-test mismatch, and a cut (the unit restarting: every object dropped, only the
flash kept) during download, verification and activation. The manifests are signed with Ed25519 keys the host
makes for this run; the unit knows only the fleet's public key."""
import hashlib
import json
import os
import unittest
from binascii import hexlify, unhexlify

import _host
import maskgate_model as mm
import maskgate_ota as ota
import maskgate_protocol as p
import maskgate_slots as ms

SHIPPED = "/models/maskgate-tiny-v1/model.tflite"
ROOT = "/flash/ota-slots"
UNIT = "unit-ota"
KEY = bytes(range(32))
T0 = 1800000000000
SEEDS = ("0001020304050607", "a1b2c3d4e5f60718")


class Cut(BaseException):
    """The power goes: nothing after this line runs (not an Exception, so no handler in the firmware sees it)."""


def _rmtree(path):
    try:
        entries = os.listdir(path)
    except OSError:
        return
    for name in entries:
        q = path + "/" + name
        if os.stat(q)[0] & 0x4000:
            _rmtree(q)
        else:
            os.remove(q)
    os.rmdir(path)


def _sha(data):
    return hexlify(hashlib.sha256(data).digest()).decode()


def _fake_output(model_digest, tensor):
    """The stand-in model: its output is a function of the model file and the input (like a real one)."""
    return hashlib.sha256(model_digest + tensor).digest()[:1]


class Loaded:
    arena = 28000

    def __init__(self, path):
        h = hashlib.sha256()
        with open(path, "rb") as f:
            h.update(f.read())
        self.digest = h.digest()

    def run_int8(self, tensor):
        return _fake_output(self.digest, tensor)


def boot(slots):
    """What maskgate_camera.load_model does at boot, with the stand-in model: the first candidate that passes
    the manifest check and (for a pending slot) its self-tests; returns its manifest."""
    for slot, path, man in slots.candidates():
        trial = slot is not None and slot == slots.state["pending"]
        try:
            m = mm.check(path, man, "OPENMV_H7", 200)
            if trial:
                problem = ota.run_self_tests(Loaded(path), m["selfTests"], m["inputBytes"])
                if problem:
                    raise mm.ModelRefused(problem)
                slots.confirm(slot)
            return m
        except mm.ModelRefused:
            if slot is not None:
                slots.revert(slot)
    raise AssertionError("no working model")


class Unit:
    """A restartable unit: slots and client made from the flash, as after a boot."""

    def __init__(self, now):
        self.out = []
        self.now = now
        self.slots = ms.ModelSlots(ROOT, (SHIPPED, "/fw/model.json"))
        self.manifest = boot(self.slots)
        self.load_cut = False
        self.check_cut = False
        self.client = ota.OtaClient(UNIT, KEY, unhexlify(_host.fleet_public("fleet")), self.slots, self,
                                    lambda t, m: self.out.append((t, m)), lambda: True, lambda: self.now[0])
        real = self.client._check

        def check(a, b):
            if self.check_cut:
                raise Cut()
            return real(a, b)
        self.client._check = check

    def running_manifest(self):
        return self.manifest

    def load(self, slot):
        if self.load_cut:
            raise Cut()
        return Loaded(self.slots.slot_files(slot)[0])

    def keep(self, slot, loaded, manifest):
        self.manifest = manifest

    def reports(self):
        out = []
        for topic, payload in self.out:
            if topic == p.topic_ota_report(UNIT):
                m = json.loads(payload)
                assert m["sig"] == p.hmac_hex(KEY, p.canonical("ota-report", p.OTA_REPORT_FIELDS, m)), "signed"
                out.append(m)
        return out

    def states(self):
        return [r["state"] for r in self.reports()]

    def fetches(self):
        return [json.loads(m) for t, m in self.out if t == p.topic_ota_fetch(UNIT)]


class Service:
    """Answers each fetch with the asked range of `data` (damage(i, chunk) may alter the i-th answer)."""

    def __init__(self, data, damage=None):
        self.data = data
        self.damage = damage
        self.served = 0
        self.seen = 0

    def pump(self, unit, max_chunks=1000):
        n = 0
        while n < max_chunks:
            fetches = unit.fetches()
            if self.seen >= len(fetches):
                return
            f = fetches[self.seen]
            self.seen += 1
            part = self.data[f["offset"]:f["offset"] + f["length"]]
            chunk = {"v": 1, "unitId": UNIT, "actionId": f["actionId"], "offset": f["offset"],
                     "total": len(self.data), "sha256": _sha(part),
                     "data": p.binascii.b2a_base64(part).decode().strip()}
            if self.damage:
                chunk = self.damage(self.served, chunk)
            self.served += 1
            n += 1
            unit.client.on_message(p.topic_ota_chunk(UNIT), p.encode(p.OTA_CHUNK_FIELDS, chunk))


def manifest_text(version, data, signer="fleet", outputs_of=None, tamper=None):
    digest = hashlib.sha256(outputs_of if outputs_of is not None else data).digest()
    tests = ";".join(s + ":" + hexlify(_fake_output(digest, p.self_test_input(s, 3072))).decode() for s in SEEDS)
    m = {"v": 1, "version": version, "sha256": _sha(data), "size": len(data), "ops": "CONV_2D,MEAN",
         "arenaBytes": 28000, "inputBytes": 3072, "selfTests": tests, "created": T0, "sig": None}
    m["sig"] = _host.fleet_sign(signer, hexlify(p.canonical_manifest(m).encode()).decode())
    if tamper:
        m.update(tamper)
    return p.encode(p.MANIFEST_FIELDS, m).decode()


def command(action, version, manifest, kind="INSTALL", key=KEY, chunk=16384):
    m = {"v": 1, "unitId": UNIT, "actionId": action, "kind": kind, "version": version, "manifest": manifest,
         "chunkSize": chunk, "issuedAt": T0, "expiresAt": T0 + 600000, "sig": None}
    m["sig"] = p.hmac_hex(key, p.canonical_ota_command(m))
    return p.encode(p.OTA_COMMAND_FIELDS, m)


class TestOtaClient(unittest.TestCase):

    def setUp(self):
        _rmtree(ROOT)
        with open(SHIPPED, "rb") as f:
            self.v1 = f.read()
        self.v2 = self.v1 + b"maskgate-tiny-v2 (test)"  # another file, same budget
        self.now = [T0 + 1000]

    def offer(self, unit, version="v2", data=None, **kw):
        unit.client.on_message(p.topic_ota(UNIT), command("act-" + version, version,
                                                          manifest_text(version, data or self.v2, **kw)))

    def test_good_install_downloads_in_small_chunks_verifies_activates_and_self_tests(self):
        u = Unit(self.now)
        self.assertEqual("maskgate-tiny-v1", u.manifest["version"])
        self.offer(u)
        Service(self.v2).pump(u)
        self.assertEqual(["OFFERED", "DOWNLOADING", "DOWNLOADING", "DOWNLOADING", "VERIFIED", "ACTIVATED",
                          "SELF_TEST_PASSED"], u.states())
        self.assertTrue(all(f["length"] <= 4096 for f in u.fetches()), "chunks fit the heap")
        self.assertEqual(len(self.v2), sum(f["length"] for f in u.fetches()))
        self.assertEqual("v2", u.manifest["version"])
        self.assertEqual("v2", u.reports()[-1]["runningVersion"])
        self.assertEqual(len(self.v2), u.reports()[-1]["bytes"])
        # the next boot runs the confirmed slot, and the action file is gone
        again = Unit(self.now)
        self.assertEqual("v2", again.manifest["version"])
        self.assertEqual([], again.client.reports)
        with self.assertRaises(OSError):
            os.stat(ROOT + "/ota.json")

    def test_chunks_damaged_on_the_way_are_counted_and_fetched_again(self):
        def damage(i, chunk):
            if i == 1:
                d = chunk["data"]
                chunk["data"] = ("B" if d[0] == "A" else "A") + d[1:]  # bytes no longer match their sha256
            if i == 3:
                chunk["sha256"] = "0" * 64
            if i == 5:
                chunk["data"] = "!!!!"  # not base64
            return chunk
        u = Unit(self.now)
        self.offer(u)
        Service(self.v2, damage).pump(u)
        self.assertEqual("SELF_TEST_PASSED", u.states()[-1])
        self.assertEqual(3, u.client.refused["CORRUPT_CHUNK"])
        offsets = [f["offset"] for f in u.fetches()]
        self.assertEqual(offsets[1], offsets[2], "the damaged range is asked for again")
        self.assertEqual(self.v2, open(u.slots.slot_files(u.slots.state["active"])[0], "rb").read())

    def test_a_corrupted_download_is_refused_and_the_old_model_stays(self):
        bad = bytearray(self.v2)
        bad[20000] ^= 0xFF  # the service's file differs from the signed manifest (chunk hashes still match)
        u = Unit(self.now)
        self.offer(u)
        Service(bytes(bad)).pump(u)
        self.assertEqual("FAILED", u.states()[-1])
        self.assertTrue(u.reports()[-1]["reason"].startswith("SHA256_MISMATCH"), u.reports()[-1]["reason"])
        self.assertTrue("ACTIVATED" not in u.states() and "VERIFIED" not in u.states())
        self.assertEqual(1, u.client.refused["SHA256_MISMATCH"])
        self.assertEqual("maskgate-tiny-v1", u.manifest["version"])
        self.assertIsNone(u.slots.state["pending"])
        self.assertEqual("maskgate-tiny-v1", Unit(self.now).manifest["version"])

    def test_bad_signatures_are_refused_before_any_download(self):
        u = Unit(self.now)
        self.offer(u, "v2", signer="other")  # a manifest signed by another fleet key
        self.offer(u, "v3", tamper={"sha256": _sha(b"evil")})  # altered after signing
        self.assertEqual(["FAILED", "FAILED"], u.states())
        self.assertTrue(all(r["reason"].startswith("BAD_SIGNATURE") for r in u.reports()))
        self.assertEqual(2, u.client.refused["BAD_SIGNATURE"])
        # a command with a wrong HMAC: not even answered, counted
        u.client.on_message(p.topic_ota(UNIT), command("act-x", "v2", manifest_text("v2", self.v2),
                                                       key=bytes(32)))
        self.assertEqual(3, u.client.refused["BAD_SIGNATURE"])
        # a manifest for another version than the command's
        u.client.on_message(p.topic_ota(UNIT), command("act-y", "v2", manifest_text("v9", self.v2)))
        self.assertTrue(u.reports()[-1]["reason"].startswith("MANIFEST_MISMATCH"))
        self.assertEqual([], u.fetches())
        self.assertEqual("maskgate-tiny-v1", u.manifest["version"])

    def test_self_test_mismatch_rolls_back(self):
        u = Unit(self.now)
        self.offer(u, outputs_of=b"another model")
        Service(self.v2).pump(u)
        self.assertEqual("ROLLED_BACK", u.states()[-1])
        self.assertTrue(u.reports()[-1]["reason"].startswith("SELF_TEST_MISMATCH: vector 0"))
        self.assertEqual("maskgate-tiny-v1", u.manifest["version"])
        self.assertEqual("maskgate-tiny-v1", Unit(self.now).manifest["version"], "never booted after revert")

    def test_over_budget_manifest_is_refused_before_download(self):
        u = Unit(self.now)
        big = self.v2 + bytes(200 * 1024)
        self.offer(u, data=big)
        self.assertEqual(["FAILED"], u.states())
        self.assertTrue(u.reports()[0]["reason"].startswith("OVER_BUDGET"))
        self.assertEqual([], u.fetches())

    def test_cut_during_download_resumes_from_the_flash(self):
        u = Unit(self.now)
        self.offer(u)
        Service(self.v2).pump(u, max_chunks=5)  # then the power goes
        u2 = Unit(self.now)
        self.assertEqual("maskgate-tiny-v1", u2.manifest["version"])
        u2.client.resume()
        self.assertEqual(5 * 4096, u2.fetches()[0]["offset"], "resumes after the bytes on flash")
        Service(self.v2).pump(u2)
        self.assertEqual("SELF_TEST_PASSED", u2.states()[-1])
        self.assertEqual(len(self.v2) - 5 * 4096, sum(f["length"] for f in u2.fetches()))
        self.assertEqual("v2", Unit(self.now).manifest["version"])

    def test_cut_during_verify_then_restart_completes(self):
        u = Unit(self.now)
        self.offer(u)
        u.check_cut = True
        with self.assertRaises(Cut):
            Service(self.v2).pump(u)
        u2 = Unit(self.now)
        self.assertEqual("maskgate-tiny-v1", u2.manifest["version"])
        u2.client.resume()
        self.assertEqual([], u2.fetches(), "everything was on flash already")
        self.assertEqual(["VERIFIED", "ACTIVATED", "SELF_TEST_PASSED"], u2.states())

    def test_cut_during_activation_boot_trial_decides(self):
        u = Unit(self.now)
        self.offer(u)
        u.load_cut = True
        with self.assertRaises(Cut):
            Service(self.v2).pump(u)
        u2 = Unit(self.now)  # the boot's trial runs the signed self-tests and confirms
        self.assertEqual("v2", u2.manifest["version"])
        u2.client.resume()
        self.assertEqual(["SELF_TEST_PASSED"], u2.states())

    def test_cut_during_activation_of_a_bad_model_reverts_at_boot(self):
        u = Unit(self.now)
        self.offer(u, outputs_of=b"another model")
        u.load_cut = True
        with self.assertRaises(Cut):
            Service(self.v2).pump(u)
        u2 = Unit(self.now)
        self.assertEqual("maskgate-tiny-v1", u2.manifest["version"])
        u2.client.resume()
        self.assertEqual(["ROLLED_BACK"], u2.states())
        self.assertTrue(u2.reports()[0]["reason"].startswith("RESTART"))

    def test_expired_command_and_cancel(self):
        u = Unit(self.now)
        self.offer(u)
        u.client.on_message(p.topic_ota(UNIT), command("act-v2", "v2", None, kind="CANCEL"))
        self.assertEqual(["OFFERED", "FAILED"], u.states())
        self.assertTrue(u.reports()[-1]["reason"].startswith("CANCELED"))
        self.now[0] = T0 + 600000
        self.offer(u, "v3")
        self.assertEqual(1, u.client.refused["EXPIRED"])
        self.assertEqual(2, len(u.reports()))
