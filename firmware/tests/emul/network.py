"""Emulated `network` (WLAN): joins any non-empty SSID at once; the emulator's sockets reach this machine."""
STA_IF = 0
AP_IF = 1


class WLAN:
    def __init__(self, interface=STA_IF):
        self._active = False
        self._connected = False

    def active(self, value=None):
        if value is not None:
            self._active = bool(value)
        return self._active

    def connect(self, ssid, key=None):
        if not self._active:
            raise OSError("WLAN not active")
        self._connected = bool(ssid)

    def isconnected(self):
        return self._connected

    def ifconfig(self):
        return ("127.0.0.1", "255.0.0.0", "127.0.0.1", "127.0.0.1")
