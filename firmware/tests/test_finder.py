"""The firmware's face finding (maskgate_finder) against device-agent/test-vectors/door-finder.json, the grids and
results the Java door pipeline (FinderDecoder, Letterbox, MainFace, SquareCrop) records and checks too."""
import binascii
import json
import os
import unittest

import _paths  # noqa: F401  (sys.path)
import maskgate_finder as f

VECTORS = os.path.join(os.path.dirname(_paths.FIRMWARE), "device-agent", "test-vectors", "door-finder.json")


def load():
    with open(VECTORS) as fh:
        return json.load(fh)


def probabilities(root, case):
    raw = binascii.unhexlify(case["q"])
    zp = root["outputZeroPoint"]
    scale = root["outputScale"]
    return [((b - 256 if b > 127 else b) - zp) * scale for b in raw]


class TestDoorFinderVectors(unittest.TestCase):

    def test_constants_match_the_java_spec(self):
        root = load()
        self.assertEqual(root["input"], f.INPUT)
        self.assertEqual(root["cell"], f.CELL)
        self.assertEqual(root["margin"], f.MARGIN)

    def test_every_vector_decodes_to_the_recorded_faces_main_face_and_crop(self):
        root = load()
        faces_seen = 0
        for case in root["cases"]:
            with self.subTest(case["name"]):
                w, h = case["frame"]
                found = f.find(probabilities(root, case), w, h, case["threshold"])
                self.assertEqual(len(case["faces"]), len(found))
                for want, (box, score) in zip(case["faces"], found):
                    for a, b in zip(want, list(box) + [score]):
                        self.assertAlmostEqual(a, b, places=9)
                main = f.main_face([b for b, _ in found], w, h)
                self.assertEqual(case["main"], main)
                if main is not None:
                    self.assertEqual(tuple(case["crop"]), f.square_crop(found[main][0], w, h))
                faces_seen += len(found)
        self.assertGreaterEqual(len(root["cases"]), 20)
        self.assertGreaterEqual(faces_seen, 20)

    def test_a_grid_of_the_wrong_size_is_refused(self):
        with self.assertRaises(ValueError):
            f.decode([0.0] * 10)
        with self.assertRaises(ValueError):
            f.Letterbox(0, 240)

    def test_java_rounding_of_halves(self):
        self.assertEqual(3, f.java_round(2.5))
        self.assertEqual(-2, f.java_round(-2.5))


if __name__ == "__main__":
    unittest.main()
