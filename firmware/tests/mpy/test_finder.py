"""device-agent/test-vectors/door-finder.json (the grids the Java door pipeline records and checks) against the
firmware's face finding under real MicroPython: faces, main face and crop, as in tests/test_finder.py."""
import json
import unittest

try:
    import ubinascii as binascii
except ImportError:
    import binascii

import maskgate_finder as f


def load():
    with open("/door-vectors/door-finder.json") as fh:
        return json.loads(fh.read())


class TestDoorFinderVectors(unittest.TestCase):

    def test_every_vector_decodes_to_the_recorded_faces_main_face_and_crop(self):
        root = load()
        zp = root["outputZeroPoint"]
        scale = root["outputScale"]
        self.assertEqual(root["input"], f.INPUT)
        self.assertEqual(root["margin"], f.MARGIN)
        faces_seen = 0
        for case in root["cases"]:
            name = case["name"]
            p = [((b - 256 if b > 127 else b) - zp) * scale for b in binascii.unhexlify(case["q"])]
            w, h = case["frame"]
            found = f.find(p, w, h, case["threshold"])
            self.assertEqual(len(case["faces"]), len(found), name)
            for want, got in zip(case["faces"], found):
                values = list(got[0]) + [got[1]]
                for a, b in zip(want, values):
                    self.assertTrue(abs(a - b) < 1e-9, "%s: %r vs %r" % (name, want, values))
            main = f.main_face([b for b, _ in found], w, h)
            self.assertEqual(case["main"], main, name)
            if main is not None:
                self.assertEqual(tuple(case["crop"]), f.square_crop(found[main][0], w, h), name)
            faces_seen += len(found)
        self.assertTrue(len(root["cases"]) >= 20 and faces_seen >= 20)
