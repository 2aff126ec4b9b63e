"""Door-unit logic of the firmware (smoothing, pacing, sequence persistence, offline buffer, scores)."""
import os
import tempfile
import unittest

import _paths  # noqa: F401
import maskgate_unit as u


class TestSmoother(unittest.TestCase):

    def test_needs_n_of_m_agreeing_frames(self):
        s = u.Smoother(3, 5, threshold=500)
        self.assertIsNone(s.update(900))
        self.assertIsNone(s.update(100))
        self.assertIsNone(s.update(800))
        self.assertEqual(("MASK", 850), s.update(850))  # 900, 800, 850 agree

    def test_a_single_noisy_frame_does_not_flip_the_label(self):
        s = u.Smoother(3, 5)
        for score in (100, 120, 80):
            result = s.update(score)
        self.assertEqual("NO_MASK", result[0])
        self.assertEqual("NO_MASK", s.update(990)[0])

    def test_window_slides_and_reset_forgets(self):
        s = u.Smoother(2, 3)
        s.update(900)
        s.update(900)
        self.assertEqual("NO_MASK", (s.update(100), s.update(100))[1][0])
        s.reset()
        self.assertIsNone(s.update(900))

    def test_refuses_windows_where_both_labels_could_hold(self):
        self.assertRaises(ValueError, u.Smoother, 2, 4)
        self.assertRaises(ValueError, u.Smoother, 0, 1)


class TestPacer(unittest.TestCase):

    def test_publishes_changes_at_once_and_repeats_at_the_interval(self):
        p = u.Pacer(1000)
        self.assertTrue(p.should_publish("MASK", 0))
        self.assertFalse(p.should_publish("MASK", 500))
        self.assertTrue(p.should_publish("NO_MASK", 600))
        self.assertFalse(p.should_publish("NO_MASK", 1599))
        self.assertTrue(p.should_publish("NO_MASK", 1600))


class TestSeqStore(unittest.TestCase):

    def test_sequence_continues_above_everything_used_before_a_reboot(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "seq")
            first = u.SeqStore(path, block=10)
            used = [first.take() for _ in range(25)]
            self.assertEqual(list(range(1, 26)), used)
            rebooted = u.SeqStore(path, block=10)  # power loss without a clean shutdown
            self.assertGreater(rebooted.take(), max(used))

    def test_corrupt_file_is_refused_rather_than_restarting_at_one(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "seq")
            with open(path, "w") as f:
                f.write("garbage")
            self.assertRaises(ValueError, u.SeqStore, path)


class TestOfflineBuffer(unittest.TestCase):

    def test_flushes_in_order_and_keeps_what_failed(self):
        b = u.OfflineBuffer(3)
        for i in range(5):
            b.add("t", i)
        self.assertEqual(2, b.dropped)
        sent = []

        def flaky(topic, payload):
            if payload == 4 and not sent.count("retry"):
                sent.append("retry")
                raise OSError("broker gone")
            sent.append(payload)

        self.assertEqual(2, b.flush(flaky))  # 2 and 3 go out, 4 fails and stays
        self.assertEqual(1, len(b))
        self.assertEqual(1, b.flush(flaky))
        self.assertEqual(0, len(b))
        self.assertEqual([2, 3, "retry", 4], sent)


class TestScores(unittest.TestCase):

    def test_per_mille_rounds_and_clamps(self):
        self.assertEqual(913, u.per_mille(0.9126))
        self.assertEqual(0, u.per_mille(-0.2))
        self.assertEqual(1000, u.per_mille(1.7))
        self.assertEqual(0, u.per_mille(float("nan")))

    def test_mask_probability_from_int8_softmax_and_sigmoid(self):
        # int8 softmax output with scale 1/256, zero point -128: q=127 -> 0.99609, q=-127 -> 0.0039
        self.assertAlmostEqual(0.99609, u.mask_probability([127, -127], 0, 1 / 256, -128), places=3)
        self.assertAlmostEqual(0.0039, u.mask_probability([127, -127], 1, 1 / 256, -128), places=3)
        self.assertAlmostEqual(0.25, u.mask_probability([0.25]))
        self.assertEqual(0.0, u.mask_probability([0.0, 0.0]))


if __name__ == "__main__":
    unittest.main()


class FakeBroker:
    """Stands in for the MQTT client API (connect/publish/set_last_will/disconnect); up or down on demand."""

    def __init__(self):
        self.up = True
        self.received = []
        self.wills = []

    def client(self):
        broker = self

        class Client:
            def set_last_will(self, topic, payload, retain, qos):
                broker.wills.append((topic, payload, retain, qos))

            def connect(self):
                if not broker.up:
                    raise OSError("connection refused")

            def publish(self, topic, payload, retain=False, qos=0):
                if not broker.up:
                    raise OSError("connection reset")
                broker.received.append((topic, payload, retain, qos))

            def disconnect(self):
                pass

        return Client()


class TestLink(unittest.TestCase):

    def test_outage_buffers_in_order_then_flushes_before_new_messages(self):
        broker = FakeBroker()
        clock = [0]
        link = u.Link(broker.client, "unit-7", b"offline", u.OfflineBuffer(100), lambda: clock[0],
                      min_backoff_ms=1000)
        self.assertTrue(link.send("d", b"1"))
        broker.up = False
        for i in (2, 3, 4):
            clock[0] += 100
            self.assertFalse(link.send("d", str(i).encode()))
        self.assertEqual(3, len(link.buffer))
        broker.up = True
        clock[0] += 100  # still inside the backoff: stays buffered
        self.assertFalse(link.send("d", b"5"))
        clock[0] += 5000
        self.assertTrue(link.send("d", b"6"))
        self.assertEqual(0, len(link.buffer))
        payloads = [p for (_, p, _, _) in broker.received]
        self.assertEqual([b"1", b"2", b"3", b"4", b"5", b"6"], payloads)
        self.assertTrue(all(qos == 1 for (_, _, _, qos) in broker.received))
        self.assertEqual(("maskgate/v1/units/unit-7/status", b"offline", True, 1), broker.wills[0])


class TestCrop(unittest.TestCase):

    def test_centre_square_of_the_face_stays_inside_the_image(self):
        self.assertEqual((20, 10, 40, 40), u.centre_square((10, 10, 60, 40), 320, 240))
        self.assertEqual((0, 10, 50, 50), u.centre_square((-10, -5, 50, 80), 320, 240))
        self.assertEqual((270, 190, 50, 50), u.centre_square((300, 200, 50, 50), 320, 240))


class TestMainSyntax(unittest.TestCase):

    def test_camera_glue_compiles(self):
        """main.py and maskgate_camera.py need the camera's modules: they run under MicroPython with the emulated
        ones (firmware/tests/host, FirmwareEndToEndIT); under CPython they must at least be valid Python."""
        import ast
        for name in ("main.py", "maskgate_camera.py"):
            with open(os.path.join(_paths.FIRMWARE, name)) as f:
                ast.parse(f.read())
