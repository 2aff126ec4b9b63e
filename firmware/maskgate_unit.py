"""Door-unit logic that does not touch hardware, shared by main.py and the CPython tests.

N-of-M smoothing, publish pacing, a sequence store that survives reboots, an epoch-millisecond clock for
boards without a real-time clock, a bounded offline buffer, and conversion of a model output to a per-mille
score. Kept free of OpenMV imports so it is tested under CPython (firmware/tests).
"""

try:
    import utime as time
except ImportError:  # CPython
    import time

try:
    import os
except ImportError:  # older MicroPython ports
    import uos as os

import maskgate_protocol as protocol


class Smoother:
    """Majority over the last M frames: MASK when at least N of them scored >= threshold, NO_MASK when at least N
    scored below it, otherwise None (uncertain). One noisy frame can therefore not open a door."""

    def __init__(self, n, m, threshold=500):
        if not 1 <= n <= m:
            raise ValueError("need 1 <= N <= M")
        if n * 2 <= m:
            raise ValueError("N must be a majority of M, or MASK and NO_MASK could both hold")
        self.n = n
        self.m = m
        self.threshold = threshold
        self.scores = []

    def reset(self):
        """Forget the window (the face left the frame)."""
        self.scores = []

    def update(self, score):
        """Adds one frame's per-mille score; returns (label, mean score of the agreeing frames) or None."""
        self.scores.append(score)
        if len(self.scores) > self.m:
            self.scores.pop(0)
        masked = [s for s in self.scores if s >= self.threshold]
        unmasked = [s for s in self.scores if s < self.threshold]
        if len(masked) >= self.n:
            return "MASK", (sum(masked) + len(masked) // 2) // len(masked)
        if len(unmasked) >= self.n:
            return "NO_MASK", (sum(unmasked) + len(unmasked) // 2) // len(unmasked)
        return None


class Pacer:
    """Publishes a smoothed label when it changes, and repeats an unchanged one at most every interval_ms."""

    def __init__(self, interval_ms):
        self.interval_ms = interval_ms
        self.last_label = None
        self.last_at = None

    def reset(self):
        self.last_label = None
        self.last_at = None

    def should_publish(self, label, now_ms):
        if label != self.last_label or self.last_at is None or now_ms - self.last_at >= self.interval_ms:
            self.last_label = label
            self.last_at = now_ms
            return True
        return False


class SeqStore:
    """Monotonic sequence numbers that survive reboots without writing flash on every decision: a ceiling is
    persisted ahead of use in blocks; after a reboot numbering continues above the stored ceiling (gaps are
    allowed by the protocol, repeats are not)."""

    def __init__(self, path, block=1000):
        self.path = path
        self.block = block
        ceiling = self._read()
        self.next_seq = ceiling + 1
        self.ceiling = ceiling
        self._reserve()

    def _read(self):
        # The ceiling is written to path.tmp first and then renamed: after a crash between the two, the larger
        # of both files is the one to trust.
        ceiling = 0
        for candidate in (self.path, self.path + ".tmp"):
            try:
                with open(candidate) as f:
                    text = f.read().strip()
            except OSError:
                continue
            try:
                ceiling = max(ceiling, int(text or "0"))
            except ValueError:
                raise ValueError("sequence file %s is corrupt; refusing to reuse sequence numbers" % candidate)
        return ceiling

    def _reserve(self):
        self.ceiling = self.next_seq - 1 + self.block
        tmp = self.path + ".tmp"
        with open(tmp, "w") as f:
            f.write(str(self.ceiling))
        try:
            os.rename(tmp, self.path)
        except OSError:  # FAT (OpenMV flash/SD) does not rename over an existing file
            os.remove(self.path)
            os.rename(tmp, self.path)

    def take(self):
        seq = self.next_seq
        if seq > self.ceiling:
            self._reserve()
        self.next_seq = seq + 1
        return seq


class EpochClock:
    """Epoch milliseconds from a wall-clock sample (after NTP) plus the monotonic tick counter, so capture times
    stay correct between syncs. MicroPython ports with a 2000-01-01 epoch are corrected."""

    EPOCH_2000_S = 946684800

    def __init__(self, wall_seconds=None):
        self.resync(wall_seconds)

    def resync(self, wall_seconds=None):
        if wall_seconds is None:
            wall_seconds = time.time()
            if time.gmtime(0)[0] == 2000:
                wall_seconds += self.EPOCH_2000_S
        self.base_ms = int(wall_seconds * 1000)
        self.base_ticks = _ticks_ms()

    def now_ms(self):
        return self.base_ms + _ticks_diff(_ticks_ms(), self.base_ticks)


def _ticks_ms():
    if hasattr(time, "ticks_ms"):
        return time.ticks_ms()
    return int(time.monotonic() * 1000)


def _ticks_diff(a, b):
    if hasattr(time, "ticks_diff"):
        return time.ticks_diff(a, b)
    return a - b


class OfflineBuffer:
    """Bounded FIFO of encoded decisions kept while the broker is unreachable. When full the oldest is dropped
    (and counted): a door decision minutes old is worth less than a fresh one, and it can only ever lead to a
    locked door, never an open one."""

    def __init__(self, capacity):
        self.capacity = capacity
        self.items = []
        self.dropped = 0

    def __len__(self):
        return len(self.items)

    def add(self, topic, payload):
        if len(self.items) >= self.capacity:
            self.items.pop(0)
            self.dropped += 1
        self.items.append((topic, payload))

    def flush(self, publish):
        """Sends in order; stops at the first failure and keeps the rest. Returns the number sent."""
        sent = 0
        while self.items:
            topic, payload = self.items[0]
            try:
                publish(topic, payload)
            except Exception:
                break
            self.items.pop(0)
            sent += 1
        return sent


def centre_square(rect, img_w, img_h):
    """The centred square of a face rectangle (x, y, w, h), kept inside the image: the crop the model is fed."""
    x, y, w, h = rect[0], rect[1], rect[2], rect[3]
    side = min(w, h, img_w, img_h)
    cx = x + w // 2
    cy = y + h // 2
    sx = max(0, min(img_w - side, cx - side // 2))
    sy = max(0, min(img_h - side, cy - side // 2))
    return (sx, sy, side, side)


def per_mille(probability):
    """A mask probability (0.0..1.0) as the integer per-mille score the protocol signs."""
    if probability != probability:  # NaN
        return 0
    value = int(probability * 1000 + 0.5)
    return 0 if value < 0 else (protocol.MAX_SCORE if value > protocol.MAX_SCORE else value)


def mask_probability(outputs, mask_index=0, scale=None, zero_point=0):
    """Mask probability from the model's output vector: dequantises int8 outputs when a scale is given, and uses
    the sigmoid output directly when the model has a single output."""
    values = [float(v) for v in outputs]
    if scale is not None:
        values = [(v - zero_point) * scale for v in values]
    if len(values) == 1:
        return values[0]
    total = sum(values)
    if total <= 0:
        return 0.0
    return values[mask_index] / total


class Link:
    """The unit's MQTT connection: QoS 1 publishes, retained status with an offline last will, reconnect with
    backoff, and the offline buffer flushed in order before anything new is sent. The client comes from a factory
    with the umqtt.simple / OpenMV mqtt.py API (connect, publish, set_last_will, disconnect), so the same logic
    runs against a fake in the CPython tests. Decisions are only published, never acted on locally."""

    def __init__(self, client_factory, unit_id, offline_status_payload, buffer, now_ms,
                 min_backoff_ms=1000, max_backoff_ms=30000, subscriptions=()):
        self.subscriptions = subscriptions  # topics (QoS 1) to subscribe to after every connect: the OTA ones
        self.inbox = []  # (topic, payload) received, taken by the main loop (take_messages)
        self.client_factory = client_factory
        self.unit_id = unit_id
        self.offline_status_payload = offline_status_payload
        self.buffer = buffer
        self.now_ms = now_ms
        self.min_backoff_ms = min_backoff_ms
        self.max_backoff_ms = max_backoff_ms
        self.backoff_ms = min_backoff_ms
        self.next_attempt_ms = 0
        self.client = None

    @property
    def connected(self):
        return self.client is not None

    def ensure_connected(self):
        """Tries to (re)connect when the backoff allows; flushes the buffer once connected. Returns connected."""
        if self.client is not None:
            return True
        now = self.now_ms()
        if now < self.next_attempt_ms:
            return False
        client = None
        try:
            client = self.client_factory()
            client.set_last_will(protocol.topic_status(self.unit_id), self.offline_status_payload, True, 1)
            if self.subscriptions:
                client.set_callback(self._received)
            client.connect()
            for topic in self.subscriptions:  # a clean session: subscribe again after every connect
                client.subscribe(topic, 1)
        except Exception:
            self._schedule_retry(now)
            return False
        self.client = client
        self.backoff_ms = self.min_backoff_ms
        self.buffer.flush(self._publish_or_drop_connection)
        return self.client is not None

    def send(self, topic, payload, retain=False):
        """Publishes now when connected and nothing older is waiting, else keeps it in the buffer."""
        if self.ensure_connected() and len(self.buffer) == 0:
            try:
                self._publish_or_drop_connection(topic, payload, retain)
                return True
            except Exception:
                pass
        if not retain:  # status is informational: the next one replaces it, so it is not buffered
            self.buffer.add(topic, payload)
        return False

    def _received(self, topic, payload):
        if len(self.inbox) >= 8:  # the unit pulls one chunk at a time: more waiting means duplicates
            self.inbox.pop(0)
        self.inbox.append((topic, payload))

    def poll(self, max_messages=4):
        """Reads what the broker sent (check_msg, non-blocking) into the inbox; drops a broken connection."""
        if self.client is None or not self.subscriptions:
            return
        try:
            for _ in range(max_messages):
                before = len(self.inbox)
                self.client.check_msg()
                if len(self.inbox) == before:
                    break  # nothing more waiting (umqtt's check_msg returns None either way)
        except Exception:
            self._drop()

    def take_messages(self):
        out = self.inbox
        self.inbox = []
        return out

    def close(self, final_status_payload=None):
        if self.client is not None:
            try:
                if final_status_payload is not None:
                    self.client.publish(protocol.topic_status(self.unit_id), final_status_payload, True, 1)
                self.client.disconnect()
            except Exception:
                pass
            self.client = None

    def _publish_or_drop_connection(self, topic, payload, retain=False):
        try:
            self.client.publish(topic, payload, retain, 1)
        except Exception:
            self._drop()
            raise

    def _drop(self):
        try:
            self.client.disconnect()
        except Exception:
            pass
        self.client = None
        self._schedule_retry(self.now_ms())

    def _schedule_retry(self, now):
        self.next_attempt_ms = now + self.backoff_ms
        self.backoff_ms = min(self.backoff_ms * 2, self.max_backoff_ms)
