"""Two-slot model storage under CPython (the MicroPython run and the power-cut test are in tests/mpy and
FirmwarePowerCutTest): install, trial, confirm, and a trial that never confirms is reverted."""
import json
import os
import tempfile
import unittest

import _paths  # noqa: F401
import maskgate_model as mm
import maskgate_slots as ms

SHIPPED = os.path.join(os.path.dirname(_paths.FIRMWARE), "models", "maskgate-tiny-v1", "model.tflite")


class TestSlots(unittest.TestCase):

    def test_install_trial_revert_then_confirm(self):
        with open(os.path.join(_paths.FIRMWARE, "model.json")) as f:
            manifest = json.load(f)
        manifest["version"] = "v2"
        with open(SHIPPED, "rb") as f:
            data = f.read()
        with tempfile.TemporaryDirectory() as d:
            root = os.path.join(d, "models")

            def fresh():
                return ms.ModelSlots(root, ("model.tflite", "model.json"))

            s = fresh()
            offset = s.begin(manifest)
            while offset < len(data):
                offset = s.write(offset, data[offset:offset + 16384])
            slot = s.finish(lambda m, man: mm.check(m, man, "OPENMV_H7", 200))
            s.activate()
            self.assertEqual(slot, fresh().candidates()[0][0])  # trial boot...
            self.assertEqual([None], [c[0] for c in fresh().candidates()])  # ...never confirmed: reverted
            again = fresh()
            offset = again.begin(manifest)  # same manifest: the verified file is still in the slot
            self.assertEqual(len(data), offset)
            again.finish(lambda m, man: mm.check(m, man, "OPENMV_H7", 200))
            again.activate()
            booted = fresh()
            self.assertEqual(slot, booted.candidates()[0][0])
            booted.confirm(slot)
            self.assertEqual(slot, fresh().state["active"])


if __name__ == "__main__":
    unittest.main()
