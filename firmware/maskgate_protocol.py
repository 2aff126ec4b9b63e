"""MaskGate wire protocol v1 for MicroPython (OpenMV) and CPython.

Mirror of the Java module io.maskgate:protocol (see protocol/README.md): topics, canonical form, HMAC-SHA256
signatures, JSON encoding and the same verification rules, checked against protocol/test-vectors/*.json by
firmware/tests under CPython. No OpenMV imports and no third-party packages: MicroPython has hashlib.sha256
but no hmac module, so HMAC is implemented here (RFC 2104).
"""

try:
    import ujson as json
except ImportError:  # CPython
    import json

try:
    import hashlib
except ImportError:  # older MicroPython ports
    import uhashlib as hashlib

try:
    import ubinascii as binascii
except ImportError:  # CPython
    import binascii

SCHEMA_VERSION = 1
PREFIX = "maskgate/v1"
MAX_PAYLOAD_BYTES = 4096
MAX_FRAME_PAYLOAD_BYTES = 65536
MAX_SCORE = 1000
MAX_COMMAND_MS = 600000
MAX_ATTEMPT = 100
MAX_REASON_CHARS = 200
KEY_BYTES = 32
LONG_MAX = 9223372036854775807

# Reject reasons (names identical to io.maskgate.protocol.RejectReason).
MALFORMED = "MALFORMED"
OVERSIZE = "OVERSIZE"
UNKNOWN_SCHEMA = "UNKNOWN_SCHEMA"
UNKNOWN_UNIT = "UNKNOWN_UNIT"
UNIT_DISABLED = "UNIT_DISABLED"
BAD_SIGNATURE = "BAD_SIGNATURE"
TOPIC_MISMATCH = "TOPIC_MISMATCH"
REPLAY = "REPLAY"
STALE = "STALE"
FUTURE = "FUTURE"
EXPIRED = "EXPIRED"
WRONG_DOOR = "WRONG_DOOR"
UNKNOWN_DOOR = "UNKNOWN_DOOR"
UNKNOWN_DECISION = "UNKNOWN_DECISION"
FRAME_MISMATCH = "FRAME_MISMATCH"

LABELS = ("MASK", "NO_MASK")
ACTIONS = ("UNLOCK", "LOCK")
ACK_STATUSES = ("DONE", "REJECTED")

_ID_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"


# ------------------------------------------------------------------ ids and topics

def is_id(value):
    """True for 1..64 characters of [A-Za-z0-9_-] (safe inside a topic level and the canonical form)."""
    if not isinstance(value, str) or not 1 <= len(value) <= 64:
        return False
    for ch in value:
        if ch not in _ID_CHARS:
            return False
    return True


def is_label(value):
    """True for 1..64 printable ASCII characters (model versions)."""
    return isinstance(value, str) and 1 <= len(value) <= 64 and _printable(value)


def _printable(value):
    for ch in value:
        if not 0x20 <= ord(ch) <= 0x7E:
            return False
    return True


def _require_id(name, value):
    if not is_id(value):
        raise ValueError(name + " must match [A-Za-z0-9_-]{1,64}")
    return value


def topic_decision(unit_id):
    return PREFIX + "/units/" + _require_id("unit_id", unit_id) + "/decision"


def topic_status(unit_id):
    return PREFIX + "/units/" + _require_id("unit_id", unit_id) + "/status"


def topic_frame(unit_id):
    return PREFIX + "/units/" + _require_id("unit_id", unit_id) + "/frame"


def topic_ota(unit_id):
    return PREFIX + "/units/" + _require_id("unit_id", unit_id) + "/ota"


def topic_command(door_id):
    return PREFIX + "/doors/" + _require_id("door_id", door_id) + "/command"


def topic_ack(door_id):
    return PREFIX + "/doors/" + _require_id("door_id", door_id) + "/ack"


# ------------------------------------------------------------------ keys and HMAC

def parse_key(text):
    """32 raw key bytes from unpadded (or padded) base64url text, as handed out by the service."""
    text = text.strip()
    for ch in text.rstrip("="):
        if ch not in _ID_CHARS:
            raise ValueError("key is not base64url text")
    std = text.rstrip("=").replace("-", "+").replace("_", "/")
    std += "=" * (-len(std) % 4)
    raw = binascii.a2b_base64(std)
    if len(raw) != KEY_BYTES:
        raise ValueError("key must decode to 32 bytes")
    return bytes(raw)


def hmac_sha256(key, data):
    """HMAC-SHA256 (RFC 2104) over hashlib.sha256; returns the 32-byte digest."""
    block = 64
    if len(key) > block:
        key = hashlib.sha256(key).digest()
    key = key + b"\x00" * (block - len(key))
    inner = hashlib.sha256(bytes([b ^ 0x36 for b in key]))
    inner.update(data)
    outer = hashlib.sha256(bytes([b ^ 0x5C for b in key]))
    outer.update(inner.digest())
    return outer.digest()


def hmac_hex(key, text):
    """Lowercase hex HMAC-SHA256 of the UTF-8 bytes of text."""
    return binascii.hexlify(hmac_sha256(key, text.encode("utf-8"))).decode("ascii")


def _equal(a, b):
    """Constant-time comparison of two strings."""
    a = a.encode("utf-8")
    b = b.encode("utf-8")
    diff = len(a) ^ len(b)
    for i in range(min(len(a), len(b))):
        diff |= a[i] ^ b[i]
    return diff == 0


# ------------------------------------------------------------------ canonical form

DECISION_FIELDS = ("v", "unitId", "doorId", "seq", "capturedAt", "label", "score", "modelVersion", "sig")
COMMAND_FIELDS = ("v", "commandId", "doorId", "action", "durationMs", "issuedAt", "expiresAt", "attempt", "sig")
ACK_FIELDS = ("v", "commandId", "doorId", "status", "reason", "at", "sig")
STATUS_FIELDS = ("v", "unitId", "online", "modelVersion", "fps", "inferenceMs", "queueDepth", "at")
FRAME_FIELDS = ("v", "unitId", "doorId", "seq", "capturedAt", "jpegBase64", "score", "sig")

_TYPE_NAMES = {DECISION_FIELDS: "decision", COMMAND_FIELDS: "command", ACK_FIELDS: "ack", FRAME_FIELDS: "frame"}


def _render(value):
    if value is None:
        return ""
    if value is True:
        return "true"
    if value is False:
        return "false"
    text = str(value)
    if "\n" in text:
        raise ValueError("canonical field contains a newline")
    return text


def canonical(type_name, fields, msg):
    """type\\nv\\nfield... (every field but sig, in contract order), the text that is signed."""
    parts = [type_name]
    for name in fields:
        if name != "sig":
            parts.append(_render(msg[name]))
    return "\n".join(parts)


def canonical_decision(msg):
    return canonical("decision", DECISION_FIELDS, msg)


def canonical_command(msg):
    return canonical("command", COMMAND_FIELDS, msg)


def canonical_ack(msg):
    return canonical("ack", ACK_FIELDS, msg)


def canonical_frame(msg):
    return canonical("frame", FRAME_FIELDS, msg)


# ------------------------------------------------------------------ building and encoding

def decision(unit_id, door_id, seq, captured_at, label, score, model_version, key):
    """A signed decision as an ordered list of (field, value); score is per-mille 0..1000."""
    msg = {"v": SCHEMA_VERSION, "unitId": unit_id, "doorId": door_id, "seq": seq, "capturedAt": captured_at,
           "label": label, "score": score, "modelVersion": model_version, "sig": None}
    problem = _check_decision(msg)
    if problem:
        raise ValueError(problem)
    msg["sig"] = hmac_hex(key, canonical_decision(msg))
    return msg


def frame(unit_id, door_id, seq, captured_at, image_base64, score, key):
    """A signed frame upload: the 32x32 crop the unit classified (JPEG or PNG, standard padded base64), tied to
    the decision with the same seq and carrying that decision's score."""
    msg = {"v": SCHEMA_VERSION, "unitId": unit_id, "doorId": door_id, "seq": seq, "capturedAt": captured_at,
           "jpegBase64": image_base64, "score": score, "sig": None}
    problem = _check_frame(msg)
    if problem:
        raise ValueError(problem)
    msg["sig"] = hmac_hex(key, canonical_frame(msg))
    return msg


def ack(command_id, door_id, status, reason, at, key):
    msg = {"v": SCHEMA_VERSION, "commandId": command_id, "doorId": door_id, "status": status, "reason": reason,
           "at": at, "sig": None}
    problem = _check_ack(msg)
    if problem:
        raise ValueError(problem)
    msg["sig"] = hmac_hex(key, canonical_ack(msg))
    return msg


def status(unit_id, online, model_version, fps, inference_ms, queue_depth, at):
    msg = {"v": SCHEMA_VERSION, "unitId": unit_id, "online": bool(online), "modelVersion": model_version,
           "fps": float(fps), "inferenceMs": float(inference_ms), "queueDepth": int(queue_depth), "at": at}
    problem = _check_status(msg)
    if problem:
        raise ValueError(problem)
    return msg


def encode(fields, msg):
    """Compact JSON with fields in contract order (MicroPython dicts may not keep insertion order)."""
    parts = []
    for name in fields:
        parts.append(json.dumps(name) + ":" + _json_value(msg[name]))
    return ("{" + ",".join(parts) + "}").encode("utf-8")


def encode_decision(msg):
    return encode(DECISION_FIELDS, msg)


def encode_ack(msg):
    return encode(ACK_FIELDS, msg)


def encode_status(msg):
    return encode(STATUS_FIELDS, msg)


def _json_value(value):
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, int):
        return str(value)
    return json.dumps(value)


# ------------------------------------------------------------------ strict decoding

class Reject(Exception):
    """A refused payload: reason is one of the reason names above."""

    def __init__(self, reason, detail):
        super().__init__(reason + ": " + detail)  # MicroPython has no Exception.__init__ to call directly
        self.reason = reason
        self.detail = detail


def _no_duplicates(pairs):
    obj = {}
    for k, v in pairs:
        if k in obj:
            raise Reject(MALFORMED, "duplicate field " + k)
        obj[k] = v
    return obj


def _top_level_keys(text):
    """The member names of the outermost JSON object, in order, duplicates kept (for MicroPython, whose json
    module cannot report them). Only called on text json.loads has already accepted."""
    keys = []
    depth = 0
    i = 0
    n = len(text)
    while i < n:
        c = text[i]
        if c == '"':
            j = i + 1
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            k = j + 1
            while k < n and text[k] in " \t\r\n":
                k += 1
            if depth == 1 and k < n and text[k] == ":":
                keys.append(json.loads(text[i:j + 1]))
            i = j + 1
            continue
        if c in "{[":
            depth += 1
        elif c in "}]":
            depth -= 1
        i += 1
    return keys


def _parse(payload, fields, limit):
    if isinstance(payload, str):
        payload = payload.encode("utf-8")
    if len(payload) > limit:
        raise Reject(OVERSIZE, "payload is %d bytes, limit %d" % (len(payload), limit))
    try:
        text = payload.decode("utf-8")
    except Exception:
        raise Reject(MALFORMED, "payload is not UTF-8")
    try:
        try:
            obj = json.loads(text, object_pairs_hook=_no_duplicates)
        except TypeError:  # MicroPython: no object_pairs_hook, and json.loads keeps the last of duplicate keys
            obj = json.loads(text)
            _no_duplicates([(k, None) for k in _top_level_keys(text)])
    except Reject:
        raise
    except Exception:
        raise Reject(MALFORMED, "not valid JSON")
    if not isinstance(obj, dict):
        raise Reject(MALFORMED, "payload is not a JSON object")
    v = obj.get("v")
    if not _is_int(v) or not -2147483648 <= v <= 2147483647:
        raise Reject(MALFORMED, "v (schema version) must be an integer")
    if v != SCHEMA_VERSION:
        raise Reject(UNKNOWN_SCHEMA, "schema version %d is not supported" % v)
    for name in obj:
        if name not in fields:
            raise Reject(MALFORMED, "unknown field " + name)
    for name in fields:
        if name not in obj:
            raise Reject(MALFORMED, "missing field " + name)
    return obj


def _is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


def _int_in(msg, name, low, high):
    value = msg[name]
    if not _is_int(value):
        return name + " must be an integer"
    if not low <= value <= high:
        return "%s must be in %d..%d" % (name, low, high)
    return None


def _first(*problems):
    for p in problems:
        if p:
            return p
    return None


def _check_sig(msg):
    sig = msg["sig"]
    if sig is None:
        return None  # unsigned while building; decoders require a string separately
    if not isinstance(sig, str) or len(sig) > 128 or "\n" in sig:
        return "sig must be a string of at most 128 characters"
    return None


def _check_decision(msg):
    return _first(
        None if is_id(msg["unitId"]) else "unitId must be an id",
        None if is_id(msg["doorId"]) else "doorId must be an id",
        _int_in(msg, "seq", 1, LONG_MAX),
        _int_in(msg, "capturedAt", 0, LONG_MAX),
        None if msg["label"] in LABELS and isinstance(msg["label"], str) else "label must be MASK or NO_MASK",
        _int_in(msg, "score", 0, MAX_SCORE),
        None if is_label(msg["modelVersion"]) else "modelVersion must be 1..64 printable ASCII",
        _check_sig(msg))


_BASE64_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"


def _is_padded_base64(value):
    if not isinstance(value, str) or not value or len(value) > MAX_FRAME_PAYLOAD_BYTES or len(value) % 4:
        return False
    body = value.rstrip("=")
    if len(value) - len(body) > 2:
        return False
    for ch in body:
        if ch not in _BASE64_CHARS:
            return False
    return True


def _check_frame(msg):
    return _first(
        None if is_id(msg["unitId"]) else "unitId must be an id",
        None if is_id(msg["doorId"]) else "doorId must be an id",
        _int_in(msg, "seq", 1, LONG_MAX),
        _int_in(msg, "capturedAt", 0, LONG_MAX),
        None if _is_padded_base64(msg["jpegBase64"]) else "jpegBase64 must be non-empty padded standard base64",
        _int_in(msg, "score", 0, MAX_SCORE),
        _check_sig(msg))


def _check_command(msg):
    problem = _first(
        None if is_id(msg["commandId"]) else "commandId must be an id",
        None if is_id(msg["doorId"]) else "doorId must be an id",
        None if msg["action"] in ACTIONS and isinstance(msg["action"], str) else "action must be UNLOCK or LOCK",
        _int_in(msg, "durationMs", 0, MAX_COMMAND_MS),
        _int_in(msg, "issuedAt", 0, LONG_MAX - MAX_COMMAND_MS),
        _int_in(msg, "expiresAt", -LONG_MAX - 1, LONG_MAX),
        _int_in(msg, "attempt", 1, MAX_ATTEMPT),
        _check_sig(msg))
    if problem:
        return problem
    if not msg["issuedAt"] < msg["expiresAt"] <= msg["issuedAt"] + MAX_COMMAND_MS:
        return "expiresAt must be in issuedAt+1..issuedAt+600000"
    return None


def _check_ack(msg):
    reason = msg["reason"]
    return _first(
        None if is_id(msg["commandId"]) else "commandId must be an id",
        None if is_id(msg["doorId"]) else "doorId must be an id",
        None if msg["status"] in ACK_STATUSES and isinstance(msg["status"], str) else "status must be DONE or REJECTED",
        None if reason is None or (isinstance(reason, str) and len(reason) <= MAX_REASON_CHARS and _printable(reason))
        else "reason must be at most 200 printable ASCII characters",
        _int_in(msg, "at", 0, LONG_MAX),
        _check_sig(msg))


def _check_status(msg):
    def number(name):
        value = msg[name]
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value or value < 0 \
                or value in (float("inf"),):
            return name + " must be a finite number >= 0"
        return None

    return _first(
        None if is_id(msg["unitId"]) else "unitId must be an id",
        None if isinstance(msg["online"], bool) else "online must be true or false",
        None if is_label(msg["modelVersion"]) else "modelVersion must be 1..64 printable ASCII",
        number("fps"), number("inferenceMs"),
        _int_in(msg, "queueDepth", 0, 2147483647),
        _int_in(msg, "at", 0, LONG_MAX))


def _decode_signed(payload, fields, check, limit=MAX_PAYLOAD_BYTES):
    msg = _parse(payload, fields, limit)
    problem = check(msg)
    if problem:
        raise Reject(MALFORMED, problem)
    if not isinstance(msg["sig"], str):
        raise Reject(MALFORMED, "sig must be a string")
    return msg


def decode_decision(payload):
    return _decode_signed(payload, DECISION_FIELDS, _check_decision)


def decode_frame(payload):
    return _decode_signed(payload, FRAME_FIELDS, _check_frame, MAX_FRAME_PAYLOAD_BYTES)


def encode_frame(msg):
    return encode(FRAME_FIELDS, msg)


def decode_command(payload):
    return _decode_signed(payload, COMMAND_FIELDS, _check_command)


def decode_ack(payload):
    return _decode_signed(payload, ACK_FIELDS, _check_ack)


def decode_status(payload):
    msg = _parse(payload, STATUS_FIELDS, MAX_PAYLOAD_BYTES)
    problem = _check_status(msg)
    if problem:
        raise Reject(MALFORMED, problem)
    return msg


# ------------------------------------------------------------------ verification (same order as Java)

def _freshness(timestamp, now, max_age_ms, max_ahead_ms):
    if timestamp < now - max_age_ms:
        return STALE
    if timestamp > now + max_ahead_ms:
        return FUTURE
    return None


def verify_decision(topic, payload, credentials, last_seq, now, max_age_ms, max_ahead_ms):
    """Service-side decision check. credentials: None (unknown unit) or (key_bytes, enabled).
    Returns (reason or None, msg or None); does not keep sequence state: the caller stores msg["seq"]."""
    try:
        msg = decode_decision(payload)
    except Reject as r:
        return r.reason, None
    if topic != topic_decision(msg["unitId"]):
        return TOPIC_MISMATCH, msg
    if credentials is None:
        return UNKNOWN_UNIT, msg
    key, enabled = credentials
    if not enabled:
        return UNIT_DISABLED, msg
    if not _equal(hmac_hex(key, canonical_decision(msg)), msg["sig"]):
        return BAD_SIGNATURE, msg
    if last_seq is not None and msg["seq"] <= last_seq:
        return REPLAY, msg
    return _freshness(msg["capturedAt"], now, max_age_ms, max_ahead_ms), msg


def verify_command(topic, payload, own_door, key, seen_ids, now, max_ahead_ms):
    """Actuator-side command check; anything but (None, msg) must leave the door locked.
    Records the command id in seen_ids (a set) only when accepted."""
    try:
        msg = decode_command(payload)
    except Reject as r:
        return r.reason, None
    if topic != topic_command(own_door):
        return TOPIC_MISMATCH, msg
    if msg["doorId"] != own_door:
        return WRONG_DOOR, msg
    if not _equal(hmac_hex(key, canonical_command(msg)), msg["sig"]):
        return BAD_SIGNATURE, msg
    if now >= msg["expiresAt"]:
        return EXPIRED, msg
    if msg["issuedAt"] > now + max_ahead_ms:
        return FUTURE, msg
    if msg["commandId"] in seen_ids:
        return REPLAY, msg
    seen_ids.add(msg["commandId"])
    return None, msg


def verify_ack(topic, payload, key, now, max_age_ms, max_ahead_ms):
    """Service-side ack check. key: the door's key bytes or None (unknown door)."""
    try:
        msg = decode_ack(payload)
    except Reject as r:
        return r.reason, None
    if topic != topic_ack(msg["doorId"]):
        return TOPIC_MISMATCH, msg
    if key is None:
        return UNKNOWN_DOOR, msg
    if not _equal(hmac_hex(key, canonical_ack(msg)), msg["sig"]):
        return BAD_SIGNATURE, msg
    return _freshness(msg["at"], now, max_age_ms, max_ahead_ms), msg


def verify_frame(topic, payload, credentials, held, seen_seqs):
    """Service-side frame check (the unit only signs frames). credentials: None or (key_bytes, enabled);
    held: None or (seq, door_id, score) of the decision the service holds for the unit; seen_seqs: a set of
    seqs whose frames already arrived (the accepted seq is added)."""
    try:
        msg = decode_frame(payload)
    except Reject as r:
        return r.reason, None
    if topic != topic_frame(msg["unitId"]):
        return TOPIC_MISMATCH, msg
    if credentials is None:
        return UNKNOWN_UNIT, msg
    key, enabled = credentials
    if not enabled:
        return UNIT_DISABLED, msg
    if not _equal(hmac_hex(key, canonical_frame(msg)), msg["sig"]):
        return BAD_SIGNATURE, msg
    if held is None or held[0] != msg["seq"]:
        return UNKNOWN_DECISION, msg
    if held[1] != msg["doorId"] or held[2] != msg["score"]:
        return FRAME_MISMATCH, msg
    if msg["seq"] in seen_seqs:
        return REPLAY, msg
    seen_seqs.add(msg["seq"])
    return None, msg


# ------------------------------------------------------------------ over-the-air model updates (OTA)
# Mirror of OtaCommand, OtaFetch, OtaChunk, OtaReport and ModelManifest (protocol/test-vectors/ota/*.json).
# The command, fetches and reports are HMAC-signed with the unit key; the manifest is signed with the fleet's
# Ed25519 key (maskgate_ed25519), which the unit checks before it downloads or activates anything.

MAX_MODEL_BYTES = 4 * 1024 * 1024
MIN_CHUNK_BYTES = 1024
MAX_CHUNK_BYTES = 32 * 1024
MAX_MANIFEST_BYTES = 8 * 1024
MAX_OTA_COMMAND_BYTES = 12 * 1024
MAX_OTA_CHUNK_BYTES = (MAX_CHUNK_BYTES + 2) // 3 * 4 + 1024
INT_MAX = 2147483647

OTA_KINDS = ("INSTALL", "CANCEL")
OTA_STATES = ("OFFERED", "DOWNLOADING", "VERIFIED", "ACTIVATED", "SELF_TEST_PASSED", "FAILED", "ROLLED_BACK")

OTA_COMMAND_FIELDS = ("v", "unitId", "actionId", "kind", "version", "manifest", "chunkSize", "issuedAt",
                      "expiresAt", "sig")
OTA_FETCH_FIELDS = ("v", "unitId", "actionId", "offset", "length", "at", "sig")
OTA_CHUNK_FIELDS = ("v", "unitId", "actionId", "offset", "total", "sha256", "data")
OTA_REPORT_FIELDS = ("v", "unitId", "actionId", "state", "version", "runningVersion", "reason", "bytes",
                     "arenaBytes", "at", "sig")
MANIFEST_FIELDS = ("v", "version", "sha256", "size", "ops", "arenaBytes", "inputBytes", "selfTests", "created",
                   "sig")


def topic_ota_chunk(unit_id):
    return PREFIX + "/units/" + _require_id("unit_id", unit_id) + "/ota-chunk"


def topic_ota_fetch(unit_id):
    return PREFIX + "/units/" + _require_id("unit_id", unit_id) + "/ota-fetch"


def topic_ota_report(unit_id):
    return PREFIX + "/units/" + _require_id("unit_id", unit_id) + "/ota-report"


def _is_hex(value, length):
    if not isinstance(value, str) or len(value) != length:
        return False
    for ch in value:
        if ch not in "0123456789abcdef":
            return False
    return True


def _is_ops(value):
    """Comma-separated upper-case op names: [A-Z0-9_]{1,40}(,[A-Z0-9_]{1,40}){0,63}."""
    if not isinstance(value, str):
        return False
    names = value.split(",")
    if len(names) > 64:
        return False
    for name in names:
        if not 1 <= len(name) <= 40:
            return False
        for ch in name:
            if not ("A" <= ch <= "Z" or "0" <= ch <= "9" or ch == "_"):
                return False
    return True


def parse_self_tests(text):
    """[(seed hex, expected hex)] of a manifest's selfTests (seed:expected;...); ValueError when malformed."""
    if not isinstance(text, str) or not text:
        raise ValueError("selfTests must list at least one vector")
    out = []
    for item in text.split(";"):
        colon = item.find(":")
        if colon < 0:
            raise ValueError("self-test vector must be seed:expected")
        seed = item[:colon]
        expected = item[colon + 1:]
        if not _is_hex(seed, 16):
            raise ValueError("seed must be 16 lowercase hex characters")
        if not expected or len(expected) % 2 or len(expected) > 2048 or not _is_hex(expected, len(expected)):
            raise ValueError("expected must be 1..1024 bytes as lowercase hex")
        out.append((seed, expected))
    return out


def self_test_input(seed, size):
    """The int8 input tensor (as bytes) of a self-test seed: SHA-256(seed || counter, 4 bytes big-endian) for
    counter 0, 1, ... concatenated and cut to size (SelfTest.input in Java)."""
    seed_bytes = binascii.unhexlify(seed)
    out = bytearray()
    counter = 0
    while len(out) < size:
        out += hashlib.sha256(seed_bytes + counter.to_bytes(4, "big")).digest()
        counter += 1
    return bytes(out[:size])


def _check_manifest(msg):
    problem = _first(
        None if is_label(msg["version"]) else "version must be 1..64 printable ASCII",
        None if _is_hex(msg["sha256"], 64) else "sha256 must be 64 lowercase hex characters",
        _int_in(msg, "size", 1, MAX_MODEL_BYTES),
        None if _is_ops(msg["ops"]) else "ops must be comma-separated upper-case op names",
        _int_in(msg, "arenaBytes", 1, INT_MAX),
        _int_in(msg, "inputBytes", 1, 1 << 20),
        _int_in(msg, "created", 0, LONG_MAX),
        None if msg["sig"] is None or _is_hex(msg["sig"], 128) else "sig must be 128 lowercase hex characters")
    if problem:
        return problem
    try:
        parse_self_tests(msg["selfTests"])
    except ValueError as e:
        return str(e)
    return None


def decode_manifest(payload):
    msg = _parse(payload, MANIFEST_FIELDS, MAX_MANIFEST_BYTES)
    problem = _check_manifest(msg)
    if problem:
        raise Reject(MALFORMED, problem)
    return msg


def canonical_manifest(msg):
    return canonical("manifest", MANIFEST_FIELDS, msg)


def verify_manifest(payload, fleet_public_key):
    """Unit-side manifest check (ManifestVerifier): OVERSIZE -> MALFORMED / UNKNOWN_SCHEMA -> BAD_SIGNATURE.
    Returns (reason or None, msg or None, detail)."""
    import maskgate_ed25519
    try:
        msg = decode_manifest(payload)
    except Reject as r:
        return r.reason, None, r.detail
    if msg["sig"] is None:
        return MALFORMED, msg, "sig must be a string"
    if not maskgate_ed25519.verify(fleet_public_key, canonical_manifest(msg).encode("utf-8"),
                                   binascii.unhexlify(msg["sig"])):
        return BAD_SIGNATURE, msg, "manifest not signed by the fleet key"
    return None, msg, None


def _check_ota_command(msg):
    manifest = msg["manifest"]
    problem = _first(
        None if is_id(msg["unitId"]) else "unitId must be an id",
        None if is_id(msg["actionId"]) else "actionId must be an id",
        None if isinstance(msg["kind"], str) and msg["kind"] in OTA_KINDS else "kind must be INSTALL or CANCEL",
        None if is_label(msg["version"]) else "version must be 1..64 printable ASCII",
        None if manifest is None or isinstance(manifest, str) else "manifest must be a string",
        _int_in(msg, "chunkSize", MIN_CHUNK_BYTES, MAX_CHUNK_BYTES),
        _int_in(msg, "issuedAt", 0, LONG_MAX),
        _int_in(msg, "expiresAt", 0, LONG_MAX),
        _check_sig(msg))
    if problem:
        return problem
    if msg["kind"] == "INSTALL" and not manifest:
        return "an INSTALL needs its manifest"
    if manifest is not None and (len(manifest) > MAX_MANIFEST_BYTES or "\n" in manifest):
        return "manifest must be one line of at most %d characters" % MAX_MANIFEST_BYTES
    if msg["expiresAt"] <= msg["issuedAt"]:
        return "expiresAt must be after issuedAt"
    return None


def decode_ota_command(payload):
    return _decode_signed(payload, OTA_COMMAND_FIELDS, _check_ota_command, MAX_OTA_COMMAND_BYTES)


def canonical_ota_command(msg):
    return canonical("ota", OTA_COMMAND_FIELDS, msg)


def verify_ota_command(unit_id, key, topic, payload, now):
    """Unit-side command check (OtaVerifier.command): OVERSIZE -> MALFORMED / UNKNOWN_SCHEMA -> TOPIC_MISMATCH
    -> BAD_SIGNATURE (unit key) -> EXPIRED. Returns (reason or None, msg or None)."""
    try:
        msg = decode_ota_command(payload)
    except Reject as r:
        return r.reason, None
    if topic != topic_ota(unit_id) or msg["unitId"] != unit_id:
        return TOPIC_MISMATCH, msg
    if not _equal(hmac_hex(key, canonical_ota_command(msg)), msg["sig"]):
        return BAD_SIGNATURE, msg
    if now >= msg["expiresAt"]:
        return EXPIRED, msg
    return None, msg


def _check_ota_chunk(msg):
    total = msg["total"]
    problem = _first(
        None if is_id(msg["unitId"]) else "unitId must be an id",
        None if is_id(msg["actionId"]) else "actionId must be an id",
        _int_in(msg, "total", 1, MAX_MODEL_BYTES))
    if problem:
        return problem
    return _first(
        _int_in(msg, "offset", 0, total - 1),
        None if _is_hex(msg["sha256"], 64) else "sha256 must be 64 lowercase hex characters",
        None if isinstance(msg["data"], str) and 0 < len(msg["data"]) <= (MAX_CHUNK_BYTES + 2) // 3 * 4
        else "data must be base64 of 1..%d bytes" % MAX_CHUNK_BYTES)


def decode_ota_chunk(payload):
    """An OtaChunk (not signed: its sha256 and the manifest's whole-file hash protect the bytes)."""
    msg = _parse(payload, OTA_CHUNK_FIELDS, MAX_OTA_CHUNK_BYTES)
    problem = _check_ota_chunk(msg)
    if problem:
        raise Reject(MALFORMED, problem)
    return msg


def chunk_bytes(msg):
    """The decoded bytes of a chunk, or None when data is not padded standard base64."""
    data = msg["data"]
    if len(data) % 4:
        return None
    body = data.rstrip("=")
    if len(data) - len(body) > 2:
        return None
    for ch in body:
        if ch not in _BASE64_CHARS:
            return None
    try:
        return binascii.a2b_base64(data)
    except Exception:
        return None


def ota_fetch(unit_id, action_id, offset, length, at, key):
    """A signed request for bytes offset..offset+length-1 of the action's model file."""
    msg = {"v": SCHEMA_VERSION, "unitId": unit_id, "actionId": action_id, "offset": offset, "length": length,
           "at": at, "sig": None}
    problem = _first(
        None if is_id(unit_id) else "unitId must be an id",
        None if is_id(action_id) else "actionId must be an id",
        _int_in(msg, "offset", 0, MAX_MODEL_BYTES),
        _int_in(msg, "length", 1, MAX_CHUNK_BYTES),
        _int_in(msg, "at", 0, LONG_MAX))
    if problem:
        raise ValueError(problem)
    msg["sig"] = hmac_hex(key, canonical("ota-fetch", OTA_FETCH_FIELDS, msg))
    return msg


def ota_report(unit_id, action_id, state, version, running_version, reason, nbytes, arena_bytes, at, key):
    """A signed progress report; reason (FAILED / ROLLED_BACK) is cut to 200 printable ASCII characters."""
    if reason is not None:
        reason = "".join(ch if 0x20 <= ord(ch) <= 0x7E else "?" for ch in reason)[:MAX_REASON_CHARS]
    msg = {"v": SCHEMA_VERSION, "unitId": unit_id, "actionId": action_id, "state": state, "version": version,
           "runningVersion": running_version, "reason": reason, "bytes": nbytes, "arenaBytes": arena_bytes,
           "at": at, "sig": None}
    problem = _first(
        None if is_id(unit_id) else "unitId must be an id",
        None if is_id(action_id) else "actionId must be an id",
        None if state in OTA_STATES else "state must be one of " + ",".join(OTA_STATES),
        None if is_label(version) else "version must be 1..64 printable ASCII",
        None if is_label(running_version) else "runningVersion must be 1..64 printable ASCII",
        _int_in(msg, "bytes", 0, LONG_MAX),
        _int_in(msg, "arenaBytes", 0, INT_MAX),
        _int_in(msg, "at", 0, LONG_MAX))
    if problem:
        raise ValueError(problem)
    msg["sig"] = hmac_hex(key, canonical("ota-report", OTA_REPORT_FIELDS, msg))
    return msg


def encode_ota_fetch(msg):
    return encode(OTA_FETCH_FIELDS, msg)


def encode_ota_report(msg):
    return encode(OTA_REPORT_FIELDS, msg)
