"""Emulated `mqtt` module (the MQTTClient OpenMV bundles, umqtt.simple's API): a small MQTT 3.1.1 client over
the emulated socket, speaking to the real broker. Every PUBACK is reported to the emulator log, so tests know
what the broker took."""
import json
import struct

import _host
import socket


class MQTTException(Exception):
    pass


def _varlen(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        out.append(b | (0x80 if n else 0))
        if not n:
            return bytes(out)


def _str(s):
    if isinstance(s, str):
        s = s.encode("utf-8")
    return struct.pack("!H", len(s)) + s


class MQTTClient:
    def __init__(self, client_id, server, port=0, user=None, password=None, keepalive=0, ssl=False,
                 ssl_params=None):
        self.client_id = client_id
        self.server = server
        self.port = port or 1883
        self.user = user
        self.password = password
        self.keepalive = keepalive
        self.sock = None
        self.pid = 0
        self.lw = None
        self.cb = None

    def set_callback(self, f):
        self.cb = f

    def set_last_will(self, topic, msg, retain=False, qos=0):
        self.lw = (topic, msg, retain, qos)

    def _read_packet(self):
        head = self.sock.read(1)
        if not head:
            raise OSError(104)
        return head[0], self._read_body()

    def _read_body(self):
        """The packet after its first byte: the remaining-length varint, then that many bytes."""
        n = 0
        shift = 0
        while True:
            b = self.sock.read(1)
            if not b:
                raise OSError(104)
            n |= (b[0] & 0x7F) << shift
            shift += 7
            if not b[0] & 0x80:
                break
        body = self.sock.read(n) if n else b""
        if len(body) != n:
            raise OSError(104)
        return body

    def connect(self, clean_session=True, timeout=10):
        s = socket.socket()
        s.settimeout(timeout)
        s.connect(socket.getaddrinfo(self.server, self.port)[0][-1])
        self.sock = s
        flags = 0x02 if clean_session else 0
        payload = _str(self.client_id)
        if self.lw:
            topic, msg, retain, qos = self.lw
            flags |= 0x04 | (qos << 3) | (0x20 if retain else 0)
            payload += _str(topic) + _str(msg)
        if self.user is not None:
            flags |= 0x80
            payload += _str(self.user)
            if self.password is not None:
                flags |= 0x40
                payload += _str(self.password)
        var = _str("MQTT") + bytes([4, flags]) + struct.pack("!H", self.keepalive)
        body = var + payload
        s.write(b"\x10" + _varlen(len(body)) + body)
        kind, resp = self._read_packet()
        if kind != 0x20 or len(resp) != 2:
            raise MQTTException("unexpected reply to CONNECT")
        if resp[1] != 0:
            raise MQTTException("CONNACK refused: %d" % resp[1])
        _host.emit(json.dumps({"event": "connected", "client": self.client_id}))
        return resp[0] & 1

    def publish(self, topic, msg, retain=False, qos=0):
        if isinstance(msg, str):
            msg = msg.encode("utf-8")
        body = _str(topic)
        if qos:
            self.pid = self.pid % 65535 + 1
            body += struct.pack("!H", self.pid)
        body += msg
        self.sock.write(bytes([0x30 | (qos << 1) | (1 if retain else 0)]) + _varlen(len(body)) + body)
        if qos == 1:
            while True:
                kind, resp = self._read_packet()
                if kind == 0x40 and struct.unpack("!H", resp)[0] == self.pid:
                    break
                self._dispatch(kind, resp)
        _host.emit(json.dumps({"event": "puback" if qos else "published", "topic": topic,
                               "payload": msg.decode("utf-8"), "retain": bool(retain)}))

    def _dispatch(self, kind, body):
        """An incoming PUBLISH (as umqtt.simple: PUBACK for QoS 1, then the callback); other packets ignored."""
        if kind & 0xF0 != 0x30:
            return
        n = struct.unpack("!H", body[:2])[0]
        topic = body[2:2 + n]
        pos = 2 + n
        qos = (kind >> 1) & 3
        if qos:
            pid = body[pos:pos + 2]
            pos += 2
            self.sock.write(b"\x40\x02" + pid)
        msg = body[pos:]
        _host.emit(json.dumps({"event": "received", "topic": topic.decode(), "bytes": len(msg)}))
        if self.cb:
            self.cb(topic, msg)

    def subscribe(self, topic, qos=0):
        self.pid = self.pid % 65535 + 1
        body = struct.pack("!H", self.pid) + _str(topic) + bytes([qos])
        self.sock.write(b"\x82" + _varlen(len(body)) + body)
        while True:
            kind, resp = self._read_packet()
            if kind == 0x90 and struct.unpack("!H", resp[:2])[0] == self.pid:
                if resp[2] == 0x80:
                    raise MQTTException("SUBSCRIBE refused")
                return
            self._dispatch(kind, resp)

    def check_msg(self):
        """One waiting packet if there is one (non-blocking, like umqtt.simple's check_msg)."""
        self.sock.settimeout(0)
        try:
            head = self.sock.read(1)
        except OSError as e:
            if e.args[0] == 110:  # nothing waiting
                return None
            raise
        finally:
            self.sock.settimeout(10)
        if not head:
            raise OSError(104)
        self._dispatch(head[0], self._read_body())
        return None

    def ping(self):
        self.sock.write(b"\xc0\x00")

    def disconnect(self):
        try:
            self.sock.write(b"\xe0\x00")
        finally:
            self.sock.close()
            self.sock = None
