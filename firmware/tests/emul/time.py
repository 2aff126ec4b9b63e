"""Emulated OpenMV `time`: MicroPython's time functions, an epoch of 2000-01-01 like the camera's RTC, whole
seconds from time() (as on the stm32 port), and OpenMV's clock() for frame rates."""
import utime as _t
from utime import sleep, sleep_ms, sleep_us, ticks_ms, ticks_us, ticks_add, ticks_diff, ticks_cpu

_EPOCH_2000 = 946684800


def time():
    return int(_t.time()) - _EPOCH_2000


def time_ns():
    return (_t.time_ns() - _EPOCH_2000 * 1000000000)


def gmtime(secs=None):
    if secs is None:
        secs = time()
    return _t.gmtime(secs + _EPOCH_2000)


def localtime(secs=None):
    return gmtime(secs)


def mktime(t):
    return _t.mktime(t) - _EPOCH_2000


class clock:
    """OpenMV's frame clock: tick() at each frame, fps() over the last interval."""

    def __init__(self):
        self._last = None
        self._ms = 0

    def tick(self):
        now = _t.ticks_ms()
        if self._last is not None:
            self._ms = _t.ticks_diff(now, self._last)
        self._last = now

    def fps(self):
        return 1000.0 / self._ms if self._ms > 0 else 0.0

    def avg(self):
        return float(self._ms)
