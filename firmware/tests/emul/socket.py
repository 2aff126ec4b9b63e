"""Emulated MicroPython `socket` (TCP client only): real TCP connections made by the Node host, which the
MicroPython interpreter calls synchronously. Reaches only this machine (the tests' broker or relay)."""
import json

import _host
from binascii import hexlify, unhexlify

AF_INET = 2
SOCK_STREAM = 1
IPPROTO_TCP = 6
SOL_SOCKET = 1
SO_REUSEADDR = 4

_ERRNO = {"ECONNREFUSED": 111, "ECONNRESET": 104, "ETIMEDOUT": 110, "EHOSTUNREACH": 113, "EPIPE": 32,
          "EBADF": 9, "EIO": 5}


def _raise(code):
    raise OSError(_ERRNO.get(code, 5))


def getaddrinfo(host, port, af=0, type=0, proto=0, flags=0):
    return [(AF_INET, SOCK_STREAM, IPPROTO_TCP, "", (host, port))]


class socket:
    def __init__(self, af=AF_INET, type=SOCK_STREAM, proto=IPPROTO_TCP):
        self._id = None
        self._timeout_ms = None

    def settimeout(self, seconds):
        self._timeout_ms = None if seconds is None else int(seconds * 1000)

    def setblocking(self, flag):
        self._timeout_ms = None if flag else 0

    def setsockopt(self, *args):
        pass

    def connect(self, addr):
        r = json.loads(_host.net_connect(addr[0], addr[1], self._timeout_ms or 10000))
        if "error" in r:
            _raise(r["error"])
        self._id = r["id"]

    def send(self, data):
        if self._id is None:
            _raise("EBADF")
        r = json.loads(_host.net_send(self._id, hexlify(bytes(data)).decode()))
        if "error" in r:
            _raise(r["error"])
        return r["sent"]

    write = send

    def sendall(self, data):
        self.send(data)

    def recv(self, n):
        if self._id is None:
            _raise("EBADF")
        wait = 3600000 if self._timeout_ms is None else self._timeout_ms
        r = json.loads(_host.net_recv(self._id, n, wait))
        if "error" in r:
            _raise(r["error"])
        return unhexlify(r["data"])

    def read(self, n):
        out = b""
        while len(out) < n:
            chunk = self.recv(n - len(out))
            if not chunk:
                break
            out += chunk
        return out

    def close(self):
        if self._id is not None:
            _host.net_close(self._id)
            self._id = None
