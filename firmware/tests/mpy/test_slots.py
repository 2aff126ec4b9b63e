"""Two-slot model storage (maskgate_slots) under real MicroPython on the emulated FAT flash: atomic state file,
ranged and resumable install, refusal of corrupt or over-budget downloads, trial boot with automatic revert."""
import json
import os
import unittest

import maskgate_model as mm
import maskgate_slots as ms

SHIPPED = "/models/maskgate-tiny-v1/model.tflite"


def _rmtree(path):
    try:
        entries = os.listdir(path)
    except OSError:
        return
    for name in entries:
        p = path + "/" + name
        if os.stat(p)[0] & 0x4000:
            _rmtree(p)
        else:
            os.remove(p)
    os.rmdir(path)


def _manifest(**changes):
    with open("/fw/model.json") as f:
        m = json.loads(f.read())
    m.update(changes)
    return m


def _check(m, man):
    return mm.check(m, man, "OPENMV_H7", 200)


def _install(slots, manifest, data, chunk=16384):
    offset = slots.begin(manifest)
    while offset < len(data):
        offset = slots.write(offset, data[offset:offset + chunk])
    return slots.finish(_check)


class TestSlots(unittest.TestCase):

    def setUp(self):
        _rmtree("/flash/slots")
        with open(SHIPPED, "rb") as f:
            self.model = f.read()

    def slots(self):
        return ms.ModelSlots("/flash/slots", ("/fw/none.tflite", "/fw/model.json"))

    def test_install_activate_trial_confirm(self):
        s = self.slots()
        slot = _install(s, _manifest(version="v2"), self.model)
        s.activate()
        booted = self.slots()
        first = booted.candidates()[0]
        self.assertEqual(slot, first[0])
        booted.confirm(slot)
        again = self.slots()
        self.assertEqual(slot, again.state["active"])
        self.assertEqual(slot, again.candidates()[0][0])
        self.assertRaises(ms.UpdateRefused, again.begin, _manifest(version="v2"))  # already active

    def test_trial_that_never_confirms_is_reverted_at_the_next_boot(self):
        s = self.slots()
        _install(s, _manifest(version="v2"), self.model)
        s.activate()
        self.assertEqual("a", self.slots().candidates()[0][0])  # trial boot, then a reset before confirm
        after = self.slots()
        self.assertEqual([None], [c[0] for c in after.candidates()])  # back to the factory model
        self.assertIsNone(after.state["pending"])

    def test_download_resumes_from_what_is_on_flash(self):
        s = self.slots()
        m = _manifest(version="v2")
        self.assertEqual(0, s.begin(m))
        s.write(0, self.model[:20000])
        restarted = self.slots()
        self.assertEqual(20000, restarted.begin(m))
        self.assertRaises(ms.UpdateRefused, restarted.write, 0, self.model[:100])  # wrong range
        restarted.write(20000, self.model[20000:])
        self.assertEqual("a", restarted.finish(_check))

    def test_corrupt_download_is_refused_and_deleted(self):
        s = self.slots()
        bad = bytearray(self.model)
        bad[1000] ^= 0xFF
        with self.assertRaises(ms.UpdateRefused) as ctx:
            _install(s, _manifest(version="v2"), bytes(bad))
        self.assertTrue("SHA-256" in ctx.exception.reason, ctx.exception.reason)
        self.assertEqual(0, s.resume_offset())
        self.assertRaises(ms.UpdateRefused, s.activate)

    def test_over_budget_model_is_refused_before_activation(self):
        s = self.slots()
        with self.assertRaises(ms.UpdateRefused) as ctx:
            _install(s, _manifest(version="big", arenaBytes=400 * 1024), self.model)
        self.assertTrue("over budget" in ctx.exception.reason, ctx.exception.reason)
        self.assertIsNone(self.slots().state["pending"])

    def test_state_file_survives_a_cut_between_remove_and_rename(self):
        s = self.slots()
        _install(s, _manifest(version="v2"), self.model)
        s.activate()
        gen = s.state["gen"]
        # what a cut leaves mid-switch: the new state only in state.tmp, and a torn older state.json
        os.rename("/flash/slots/state.json", "/flash/slots/state.tmp")
        with open("/flash/slots/state.json", "w") as f:
            f.write('{"state": "{\\"gen\\": 99')
        self.assertEqual(gen, self.slots().state["gen"])
        self.assertEqual("a", self.slots().state["pending"])
