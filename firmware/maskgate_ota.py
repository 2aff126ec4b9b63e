"""Over-the-air model updates on the unit: the firmware side of the OTA protocol (the Java reference is
device-agent's OtaUnit; messages in maskgate_protocol, storage in maskgate_slots).

Pull based: the service sends a signed OtaCommand on units/{unit}/ota; the unit checks its HMAC, topic and
expiry, then the manifest's Ed25519 fleet signature (maskgate_ed25519) and the memory budget, and only then asks
for the file chunk by chunk (signed OtaFetch on .../ota-fetch, at most 4 KB each so a chunk fits the camera's
heap). Each chunk (.../ota-chunk) is checked against its SHA-256 and streamed straight into the free slot;
a bad one is counted and asked for again. The whole file is then checked from flash (size, SHA-256, budget),
activated, and the manifest's self-test vectors must give exactly the expected int8 outputs; otherwise the
unit stays on (or goes back to) its previous model. Every step is reported with a signed OtaReport.

The action is kept on flash (models/ota.json) until it ends, so a unit cut off at any step (power, reset) picks
it up at the next boot: the download resumes from the bytes already on flash, an activation the boot's trial
confirmed is reported passed, one it reverted is reported rolled back. A refused message never activates a
model; each refusal is counted by reason in `refused`.
"""

try:
    import ujson as json
except ImportError:  # CPython
    import json

try:
    import hashlib
except ImportError:
    import uhashlib as hashlib

try:
    import ubinascii as binascii
except ImportError:
    import binascii

try:
    import os
except ImportError:
    import uos as os

import maskgate_model
import maskgate_protocol as p
import maskgate_slots

MAX_FETCH_BYTES = 4096  # the heap: a 4 KB chunk is ~5.5 KB of JSON text plus its decoded bytes
FETCH_RETRY_MS = 3000


def _hex(data):
    return binascii.hexlify(data).decode("ascii")


class Job:
    """The action in progress: its verified command and manifest, and the download position."""

    def __init__(self, command, command_text, manifest):
        self.command = command
        self.command_text = command_text
        self.manifest = manifest
        self.action = command["actionId"]
        self.version = command["version"]
        self.offset = 0
        self.requested_at = None
        self.quarter = 0
        self.cancelled = False


class OtaClient:
    """One unit's OTA client. `publish(topic, payload)` sends QoS 1 (through the Link: buffered while offline);
    `connected()` says whether a fetch can go out now; `host` is the camera: `running_manifest()` (the manifest of
    the model in use), `load(slot)` (loads the slot's model next to the running one; returns an object with
    `run_int8(tensor_bytes) -> output bytes` and `arena`), `keep(slot, loaded, manifest)` (switches the camera to
    it)."""

    def __init__(self, unit_id, key, fleet_key, slots, host, publish, connected, now_ms, board="OPENMV_H7",
                 buffer_capacity=200, job_path=None, max_fetch=MAX_FETCH_BYTES):
        self.unit_id = unit_id
        self.key = key
        self.fleet_key = fleet_key
        self.slots = slots
        self.host = host
        self.publish = publish
        self.connected = connected
        self.now_ms = now_ms
        self.board = board
        self.buffer_capacity = buffer_capacity
        self.job_path = job_path or (slots.root + "/ota.json")
        self.max_fetch = max_fetch
        self.job = None
        self.refused = {}
        self.reports = []  # (state, reason) of every report, oldest first (console and tests)
        self.topics = (p.topic_ota(unit_id), p.topic_ota_chunk(unit_id))

    # ------------------------------------------------------------ bookkeeping

    def _count(self, reason, detail=""):
        self.refused[reason] = self.refused.get(reason, 0) + 1
        print("maskgate: ota refused:", reason, detail)

    def _running(self):
        m = self.host.running_manifest()
        return m["version"] if m else "none"

    def _report(self, action, state, version, reason=None, nbytes=0, arena=0):
        msg = p.ota_report(self.unit_id, action, state, version, self._running(), reason, nbytes, arena,
                           max(0, self.now_ms()), self.key)
        self.reports.append((state, reason))
        print("maskgate: ota", state, action, reason or "")
        self.publish(p.topic_ota_report(self.unit_id), p.encode_ota_report(msg))

    def _save_job(self, phase):
        with open(self.job_path, "w") as f:
            f.write(json.dumps({"command": self.job.command_text, "phase": phase}))

    def _drop_job(self):
        self.job = None
        try:
            os.remove(self.job_path)
        except OSError:
            pass

    # ------------------------------------------------------------ messages

    def on_message(self, topic, payload):
        """A message from the unit's ota or ota-chunk topic (bytes or str topic)."""
        if isinstance(topic, bytes):
            topic = topic.decode("utf-8")
        if topic == self.topics[0]:
            self._on_command(topic, payload)
        elif topic == self.topics[1]:
            self._on_chunk(payload)

    def _on_command(self, topic, payload, resumed=False):
        reason, cmd = p.verify_ota_command(self.unit_id, self.key, topic, payload, self.now_ms())
        if reason is not None:
            self._count(reason, "(command)")
            return
        if cmd["kind"] == "CANCEL":
            if self.job is not None and self.job.action == cmd["actionId"]:
                self._report(self.job.action, "FAILED", self.job.version, "CANCELED: the rollout was cancelled",
                             self.job.offset)
                self._drop_job()
            return
        if self.job is not None:
            if self.job.action == cmd["actionId"]:
                self._fetch()  # a redelivered offer: go on from the last good byte
                return
            self._report(self.job.action, "FAILED", self.job.version, "SUPERSEDED: another action arrived",
                         self.job.offset)
            self._drop_job()
        reason, manifest, detail = p.verify_manifest(cmd["manifest"], self.fleet_key)
        if reason is None and manifest["version"] != cmd["version"]:
            reason, detail = "MANIFEST_MISMATCH", "manifest is for " + manifest["version"]
        if reason is not None:
            self._count(reason, "(manifest)")
            self._report(cmd["actionId"], "FAILED", cmd["version"], reason + ": " + str(detail))
            return
        running = self.host.running_manifest()
        if running is not None and running.get("sha256") == manifest["sha256"]:
            self._report(cmd["actionId"], "SELF_TEST_PASSED", cmd["version"], None, manifest["size"],
                         manifest["arenaBytes"])
            return
        for item, used, limit in maskgate_model.budget(self.board, manifest["size"], manifest["arenaBytes"],
                                                       self.buffer_capacity):
            if used > limit:
                self._count("OVER_BUDGET", item)
                self._report(cmd["actionId"], "FAILED", cmd["version"], "OVER_BUDGET: %s needs %d bytes, limit %d"
                             % (item, used, limit))
                return
        job = Job(cmd, payload.decode("utf-8") if isinstance(payload, bytes) else payload, manifest)
        try:
            job.offset = self.slots.begin(self.slot_manifest(manifest))
        except maskgate_slots.UpdateRefused as e:
            self._report(cmd["actionId"], "FAILED", cmd["version"], "STORAGE: " + e.reason)
            return
        self.job = job
        self._save_job("download")
        if not resumed:
            self._report(job.action, "OFFERED", job.version)
        if job.offset >= manifest["size"]:
            self._complete()
        else:
            self._fetch()

    @staticmethod
    def slot_manifest(manifest):
        """What the slot keeps next to the model (maskgate_model.check reads version, bytes, sha256, arenaBytes;
        the boot trial runs selfTests on inputBytes)."""
        return {"version": manifest["version"], "bytes": manifest["size"], "sha256": manifest["sha256"],
                "arenaBytes": manifest["arenaBytes"], "inputBytes": manifest["inputBytes"],
                "selfTests": manifest["selfTests"], "sig": manifest["sig"]}

    def _fetch(self):
        job = self.job
        if job is None:
            return
        job.requested_at = self.now_ms()
        if not self.connected():
            return  # poll() asks again once the link is back
        length = min(job.command["chunkSize"], self.max_fetch, job.manifest["size"] - job.offset)
        msg = p.ota_fetch(self.unit_id, job.action, job.offset, length, max(0, self.now_ms()), self.key)
        self.publish(p.topic_ota_fetch(self.unit_id), p.encode_ota_fetch(msg))

    def poll(self):
        """Called every loop: asks again for a chunk that did not come, gives up an expired action."""
        job = self.job
        if job is None:
            return
        now = self.now_ms()
        if job.requested_at is not None and now - job.requested_at < FETCH_RETRY_MS:
            return
        if now >= job.command["expiresAt"]:
            self._report(job.action, "FAILED", job.version, "EXPIRED: download not done before the command's "
                         "deadline", job.offset)
            self._drop_job()
            return
        self._fetch()

    def _on_chunk(self, payload):
        try:
            chunk = p.decode_ota_chunk(payload)
        except p.Reject as r:
            self._count("CHUNK_" + r.reason, r.detail)
            return
        job = self.job
        if job is None or chunk["unitId"] != self.unit_id or chunk["actionId"] != job.action \
                or chunk["offset"] != job.offset:
            return  # a duplicate, or a chunk of an action given up: the fetch in flight is still awaited
        size = job.manifest["size"]
        data = p.chunk_bytes(chunk)
        if data is None or _hex(hashlib.sha256(data).digest()) != chunk["sha256"] or chunk["total"] != size \
                or job.offset + len(data) > size:
            self._count("CORRUPT_CHUNK", "at %d" % job.offset)
            self._fetch()  # the same range again
            return
        try:
            job.offset = self.slots.write(job.offset, data)
        except (maskgate_slots.UpdateRefused, OSError) as e:
            self._report(job.action, "FAILED", job.version, "STORAGE: " + str(getattr(e, "reason", e)),
                         job.offset)
            self._drop_job()
            return
        data = None
        quarter = 4 * job.offset // size
        if quarter > job.quarter and job.offset < size:
            job.quarter = quarter
            self._report(job.action, "DOWNLOADING", job.version, None, job.offset)
        if job.offset < size:
            self._fetch()
        else:
            self._complete()

    # ------------------------------------------------------------ verify, activate, self-test

    def _check(self, model_path, manifest_path):
        return maskgate_model.check(model_path, manifest_path, self.board, self.buffer_capacity)

    def _complete(self):
        job = self.job
        size = job.manifest["size"]
        try:
            slot = self.slots.finish(self._check)  # size, SHA-256 and budget, read back from flash
        except maskgate_slots.UpdateRefused as e:
            kind = "OVER_BUDGET" if "budget" in e.reason else "SHA256_MISMATCH"
            self._count(kind, e.reason)
            self._report(job.action, "FAILED", job.version, kind + ": " + e.reason, job.offset)
            self._drop_job()
            return
        self._report(job.action, "VERIFIED", job.version, None, size)
        if self.now_ms() >= job.command["expiresAt"]:
            self._report(job.action, "FAILED", job.version, "EXPIRED: not activated before the command's deadline",
                         size)
            self._drop_job()
            return
        self.slots.activate()  # pending: a cut from here on is settled by the next boot's trial
        # (a cut before this line resumes as a download whose bytes are all on flash: verified and activated again)
        self._save_job("activating")
        try:
            loaded = self.host.load(slot)
        except Exception as e:
            self.slots.revert(slot)
            self._report(job.action, "ROLLED_BACK", job.version, "LOAD_FAILED: " + str(getattr(e, "reason", e)))
            self._drop_job()
            return
        arena = getattr(loaded, "arena", 0) or job.manifest["arenaBytes"]
        self._report(job.action, "ACTIVATED", job.version, None, size, arena)
        problem = run_self_tests(loaded, job.manifest["selfTests"], job.manifest["inputBytes"])
        if problem is not None:
            self.slots.revert(slot)
            self._count("SELF_TEST_MISMATCH", problem)
            self._report(job.action, "ROLLED_BACK", job.version, "SELF_TEST_MISMATCH: " + problem)
            self._drop_job()
            return
        self.slots.confirm(slot)
        self.host.keep(slot, loaded, self.slot_manifest(job.manifest))
        self._report(job.action, "SELF_TEST_PASSED", job.version, None, size, arena)
        self._drop_job()

    # ------------------------------------------------------------ after a restart

    def resume(self):
        """At boot: settles or continues the action a restart interrupted (models/ota.json)."""
        try:
            with open(self.job_path) as f:
                saved = json.loads(f.read())
            text = saved["command"]
            phase = saved["phase"]
        except (OSError, ValueError, KeyError, TypeError):
            return  # no action, or its file was torn by the cut: the service times the action out
        reason, cmd = p.verify_ota_command(self.unit_id, self.key, self.topics[0], text, self.now_ms())
        if reason is not None:
            self._drop_job()
            if cmd is not None and reason == p.EXPIRED:
                self._report(cmd["actionId"], "FAILED", cmd["version"], "EXPIRED: the action's deadline passed "
                             "during a restart")
            return
        rerr, manifest, _ = p.verify_manifest(cmd["manifest"], self.fleet_key)
        running = self.host.running_manifest()
        if rerr is None and running is not None and running.get("sha256") == manifest["sha256"]:
            # the boot's trial ran the self-tests and confirmed the new model
            self._report(cmd["actionId"], "SELF_TEST_PASSED", cmd["version"], None, manifest["size"],
                         manifest["arenaBytes"])
            self._drop_job()
            return
        if phase == "activating":
            self._report(cmd["actionId"], "ROLLED_BACK", cmd["version"], "RESTART: the unit restarted while "
                         "activating and went back to its previous model")
            self._drop_job()
            return
        self._on_command(self.topics[0], text, resumed=True)


def run_self_tests(loaded, self_tests, input_bytes):
    """None when every vector of the manifest gives exactly its expected int8 output, else why not."""
    try:
        vectors = p.parse_self_tests(self_tests)
    except ValueError as e:
        return str(e)
    for i, (seed, expected) in enumerate(vectors):
        try:
            out = _hex(loaded.run_int8(p.self_test_input(seed, input_bytes)))
        except Exception as e:
            return "vector %d seed %s gave an error: %s" % (i, seed, e)
        if out != expected:
            return "vector %d seed %s gave %s, expected %s" % (i, seed, out, expected)
    return None
