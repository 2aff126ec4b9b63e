"""Model manifest and memory budget (maskgate_model) under real MicroPython: the shipped model is accepted on the
H7, an over-budget or altered model is refused with its reason, before anything loads it."""
import json
import unittest

import maskgate_model as mm

SHIPPED = "/models/maskgate-tiny-v1/model.tflite"
MANIFEST = "/fw/model.json"


def _manifest(**changes):
    with open(MANIFEST) as f:
        m = json.loads(f.read())
    m.update(changes)
    path = "/flash/manifest-test.json"
    with open(path, "w") as f:
        f.write(json.dumps(m))
    return path


class TestModelCheck(unittest.TestCase):

    def test_shipped_model_matches_its_manifest_and_fits_the_h7(self):
        m = mm.check(SHIPPED, MANIFEST, "OPENMV_H7", 200)
        self.assertEqual("maskgate-tiny-v1", m["version"])
        for item, used, limit in mm.budget("OPENMV_H7", m["bytes"], m["arenaBytes"], 200):
            self.assertTrue(used <= limit, item)

    def test_over_budget_model_is_refused_with_the_reason(self):
        path = _manifest(arenaBytes=300 * 1024)
        with self.assertRaises(mm.ModelRefused) as ctx:
            mm.check(SHIPPED, path, "OPENMV_H7", 200)
        self.assertTrue("over budget on OPENMV_H7" in ctx.exception.reason, ctx.exception.reason)
        self.assertTrue("model file + tensor arena" in ctx.exception.reason)
        # the H7 Plus keeps models in its 32 MB SDRAM: the same model fits there
        self.assertEqual(300 * 1024, mm.check(SHIPPED, path, "OPENMV_H7_PLUS", 200)["arenaBytes"])

    def test_offline_buffer_counts_against_the_heap(self):
        with self.assertRaises(mm.ModelRefused) as ctx:
            mm.check(SHIPPED, MANIFEST, "OPENMV_H7", 5000)
        self.assertTrue("heap" in ctx.exception.reason, ctx.exception.reason)

    def test_altered_file_and_wrong_size_are_refused(self):
        with self.assertRaises(mm.ModelRefused) as ctx:
            mm.check(SHIPPED, _manifest(sha256="00" * 32), "OPENMV_H7", 200)
        self.assertTrue("SHA-256" in ctx.exception.reason)
        with self.assertRaises(mm.ModelRefused) as ctx:
            mm.check(SHIPPED, _manifest(bytes=1234), "OPENMV_H7", 200)
        self.assertTrue("1234" in ctx.exception.reason)

    def test_missing_files_and_unknown_boards_are_refused(self):
        self.assertRaises(mm.ModelRefused, mm.check, "/flash/none.tflite", MANIFEST, "OPENMV_H7", 200)
        self.assertRaises(mm.ModelRefused, mm.check, SHIPPED, "/flash/none.json", "OPENMV_H7", 200)
        self.assertRaises(mm.ModelRefused, mm.check, SHIPPED, MANIFEST, "ESP32", 200)
