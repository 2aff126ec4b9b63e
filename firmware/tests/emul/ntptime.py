"""Emulated ntptime: the emulator's clock is the host's wall clock, already right."""
host = "pool.ntp.org"


def settime():
    pass
