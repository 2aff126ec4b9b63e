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

    def test_the_finder_manifest_matches_the_shipped_finder_and_the_budget_counts_it(self):
        finder = os.path.join(os.path.dirname(_paths.FIRMWARE), "models", "maskgate-finder-v3", "model.tflite")
        with open(os.path.join(_paths.FIRMWARE, "finder.json")) as f:
            m = json.load(f)
        self.assertEqual((m["bytes"], m["sha256"]), mm.file_sha256(finder))
        self.assertEqual(m["bytes"] + m["arenaBytes"], mm.FINDER_BYTES)
        self.assertEqual(128 * 128 * 2, mm.FINDER_IMAGE_BYTES)
        # the finder, the factory model and v2 (124,512 B, arena 32,080 B with CMSIS-NN) each fit the H7
        for model_bytes, arena in ((55008, 28752), (124512, 32080)):
            for item, used, limit in mm.budget("OPENMV_H7", model_bytes, arena, 200):
                self.assertLessEqual(used, limit, item)


if __name__ == "__main__":
    unittest.main()
