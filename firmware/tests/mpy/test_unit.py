"""The firmware's unit logic under real MicroPython, with its files on the emulated flash (a host folder)."""
import os
import unittest

import maskgate_unit as u


def _clear(path):
    for name in (path, path + ".tmp"):
        try:
            os.remove(name)
        except OSError:
            pass


class TestSmoothingAndPacing(unittest.TestCase):

    def test_needs_n_of_m_agreeing_frames(self):
        s = u.Smoother(3, 5, threshold=500)
        self.assertIsNone(s.update(900))
        self.assertIsNone(s.update(100))
        self.assertIsNone(s.update(800))
        self.assertEqual(("MASK", 850), s.update(850))

    def test_pacer_repeats_at_the_interval(self):
        p = u.Pacer(1000)
        self.assertTrue(p.should_publish("MASK", 0))
        self.assertFalse(p.should_publish("MASK", 500))
        self.assertTrue(p.should_publish("NO_MASK", 600))
        self.assertTrue(p.should_publish("NO_MASK", 1600))


class TestSeqStoreOnFlash(unittest.TestCase):

    def test_sequence_continues_above_everything_used_before_a_reboot(self):
        path = "/flash/seq-test"
        _clear(path)
        first = u.SeqStore(path, block=10)
        used = [first.take() for _ in range(25)]
        self.assertEqual(list(range(1, 26)), used)
        rebooted = u.SeqStore(path, block=10)
        self.assertTrue(rebooted.take() > max(used))

    def test_fat_rename_fallback_is_taken(self):
        # the emulated flash refuses rename onto an existing file, as FatFs does
        with open("/flash/a", "w") as f:
            f.write("1")
        with open("/flash/b", "w") as f:
            f.write("2")
        self.assertRaises(OSError, os.rename, "/flash/a", "/flash/b")
        store = u.SeqStore("/flash/seq-fat", block=5)
        store.take()
        u.SeqStore("/flash/seq-fat", block=5)  # second reserve renames over the existing file
        with open("/flash/seq-fat") as f:
            self.assertEqual("10", f.read())

    def test_corrupt_file_is_refused(self):
        with open("/flash/seq-bad", "w") as f:
            f.write("garbage")
        self.assertRaises(ValueError, u.SeqStore, "/flash/seq-bad")


class TestClockAndScores(unittest.TestCase):

    def test_epoch_clock_counts_ticks_from_a_wall_sample(self):
        c = u.EpochClock(1764070000)
        now = c.now_ms()
        self.assertTrue(1764070000000 <= now < 1764070000000 + 5000)

    def test_per_mille_and_probability(self):
        self.assertEqual(913, u.per_mille(0.9126))
        self.assertEqual(0, u.per_mille(float("nan")))
        self.assertEqual(1000, u.per_mille(1.7))
        self.assertTrue(abs(u.mask_probability([127, -127], 0, 1 / 256, -128) - 0.99609) < 1e-3)
        self.assertEqual((20, 10, 40, 40), u.centre_square((10, 10, 60, 40), 320, 240))


class FakeClient:
    def __init__(self, broker):
        self.broker = broker

    def set_last_will(self, topic, payload, retain, qos):
        self.broker.wills.append((topic, payload, retain, qos))

    def connect(self):
        if not self.broker.up:
            raise OSError(111)

    def publish(self, topic, payload, retain=False, qos=0):
        if not self.broker.up:
            raise OSError(104)
        self.broker.received.append(payload)

    def disconnect(self):
        pass


class FakeBroker:
    def __init__(self):
        self.up = True
        self.received = []
        self.wills = []


class TestLink(unittest.TestCase):

    def test_outage_buffers_in_order_then_flushes_first(self):
        broker = FakeBroker()
        clock = [0]
        link = u.Link(lambda: FakeClient(broker), "unit-7", b"offline", u.OfflineBuffer(100), lambda: clock[0])
        self.assertTrue(link.send("d", b"1"))
        broker.up = False
        for i in (2, 3, 4):
            clock[0] += 100
            self.assertFalse(link.send("d", str(i).encode()))
        broker.up = True
        clock[0] += 5000
        self.assertTrue(link.send("d", b"5"))
        self.assertEqual([b"1", b"2", b"3", b"4", b"5"], broker.received)
        self.assertEqual(("maskgate/v1/units/unit-7/status", b"offline", True, 1), broker.wills[0])
