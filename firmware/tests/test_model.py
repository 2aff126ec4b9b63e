"""The model manifest and memory budget check under CPython (the MicroPython run is tests/mpy/test_model.py)."""
import json
import os
import tempfile
import unittest

import _paths  # noqa: F401
import maskgate_model as mm

SHIPPED = os.path.join(os.path.dirname(_paths.FIRMWARE), "models", "maskgate-tiny-v1", "model.tflite")
MANIFEST = os.path.join(_paths.FIRMWARE, "model.json")


class TestModelCheck(unittest.TestCase):

    def test_shipped_model_is_accepted_and_an_over_budget_one_refused(self):
        self.assertEqual("maskgate-tiny-v1", mm.check(SHIPPED, MANIFEST, "OPENMV_H7", 200)["version"])
        with open(MANIFEST) as f:
            m = json.load(f)
        m["arenaBytes"] = 250 * 1024
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "model.json")
            with open(path, "w") as f:
                json.dump(m, f)
            with self.assertRaises(mm.ModelRefused) as ctx:
                mm.check(SHIPPED, path, "OPENMV_H7", 200)
            self.assertIn("over budget on OPENMV_H7", ctx.exception.reason)


if __name__ == "__main__":
    unittest.main()
