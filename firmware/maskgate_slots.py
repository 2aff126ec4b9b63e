"""Two model slots on the camera's flash with an atomic switch, so an update cut off at any point (power loss,
reset, crash) leaves a unit that boots with a working model.

Layout under root (default "models"): slot folders a/ and b/, each holding model.tflite and model.json once
complete, and state.json, a small file naming the active slot, the pending one (installed, not yet confirmed by
its self-test) and whether its trial boot has started. The factory model (model.tflite + model.json next to
main.py, copied by a person) is the last resort and is never written by an update.

State writes are atomic on FAT, which cannot rename over an existing file: the new state (generation + 1, with its
own SHA-256) is written to state.tmp, then state.json is removed and state.tmp renamed to it. A reader takes the
valid file (digest matches) with the highest generation, so at every point it sees the old state or the new one.

An update (the OTA client is the caller; the service-side protocol is not defined here):
  begin(manifest) -> write(offset, data)... (resume_offset() after a restart) -> finish() -> activate()
  then at boot: candidates() lists pending (once: its trial), active, the other slot, factory; the camera loads the
  first that passes maskgate_model.check and, for the pending one, its self-test; confirm() or revert(reason).
"""

try:
    import ujson as json
except ImportError:  # CPython
    import json

try:
    import os
except ImportError:
    import uos as os

try:
    import hashlib
except ImportError:
    import uhashlib as hashlib

try:
    import ubinascii as binascii
except ImportError:
    import binascii

SLOTS = ("a", "b")
MODEL = "model.tflite"
MANIFEST = "model.json"
PART = "model.tflite.part"


def _exists(path):
    try:
        os.stat(path)
        return True
    except OSError:
        return False


def _remove(path):
    try:
        os.remove(path)
    except OSError:
        pass


def _digest(text):
    return binascii.hexlify(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")


class UpdateRefused(Exception):
    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


class ModelSlots:

    def __init__(self, root="models", factory=(MODEL, MANIFEST)):
        self.root = root
        self.factory = factory
        for d in (root, root + "/a", root + "/b"):
            if not _exists(d):
                os.mkdir(d)
        self.state = self._read_state()
        self.installing = None

    # ------------------------------------------------------------ state file

    def _read_state(self):
        best = None
        for name in ("state.json", "state.tmp"):
            try:
                with open(self.root + "/" + name) as f:
                    outer = json.loads(f.read())
                text = outer["state"]
                if _digest(text) != outer["sha256"]:
                    continue  # torn or altered
                body = json.loads(text)
            except (OSError, ValueError, KeyError, TypeError):
                continue
            if best is None or body["gen"] > best["gen"]:
                best = body
        if best is None:
            best = {"gen": 0, "active": None, "pending": None, "tried": False, "good": []}
        return best

    def _write_state(self, **changes):
        state = dict(self.state)
        state.update(changes)
        state["gen"] = self.state["gen"] + 1
        tmp = self.root + "/state.tmp"
        final = self.root + "/state.json"
        with open(tmp, "w") as f:
            text = json.dumps(state)  # signed as text: MicroPython's dicts do not keep key order
            f.write(json.dumps({"state": text, "sha256": _digest(text)}))
        _remove(final)  # FAT: no rename over an existing file; state.tmp alone is valid meanwhile
        os.rename(tmp, final)
        self.state = state

    # ------------------------------------------------------------ paths

    def slot_files(self, slot):
        if slot is None:
            return self.factory
        return (self.root + "/" + slot + "/" + MODEL, self.root + "/" + slot + "/" + MANIFEST)

    def inactive_slot(self):
        """The slot an update may overwrite: never the active one, nor the pending one."""
        for slot in SLOTS:
            if slot != self.state["active"] and slot != self.state["pending"]:
                return slot
        raise UpdateRefused("no free slot: an update is pending confirmation")

    # ------------------------------------------------------------ install (the OTA client's seam)

    def begin(self, manifest):
        """Starts (or resumes) installing the model described by manifest (already signature-checked by the
        caller). Returns the byte offset to continue the download from (0 for a new install)."""
        for name in ("version", "bytes", "sha256", "arenaBytes"):
            if name not in manifest:
                raise UpdateRefused("manifest lacks " + name)
        if self.state["pending"] is not None:
            raise UpdateRefused("an update is pending confirmation")
        if self._manifest_of(self.state["active"]) == manifest:
            raise UpdateRefused("already installed and active")
        slot = self.inactive_slot()
        if slot in self.state["good"]:  # about to be overwritten: no longer a fallback
            self._write_state(good=[s for s in self.state["good"] if s != slot])
        model, man = self.slot_files(slot)
        part = self.root + "/" + slot + "/" + PART
        wanted = json.dumps(manifest)
        try:
            with open(man) as f:
                same = json.loads(f.read()) == manifest
        except (OSError, ValueError):
            same = False
        if not same:  # a different model: the slot starts empty (manifest first, so a resume can tell)
            _remove(model)
            _remove(part)
            _remove(man)
            with open(man, "w") as f:
                f.write(wanted)
        self.installing = (slot, manifest)
        return self.resume_offset()

    def _manifest_of(self, slot):
        if slot is None:
            return None
        try:
            with open(self.slot_files(slot)[1]) as f:
                return json.loads(f.read())
        except (OSError, ValueError):
            return None

    def resume_offset(self):
        slot, _ = self._require_installing()
        model, _ = self.slot_files(slot)
        if _exists(model):
            return os.stat(model)[6]
        try:
            return os.stat(self.root + "/" + slot + "/" + PART)[6]
        except OSError:
            return 0

    def write(self, offset, data):
        """Appends one downloaded chunk; offset must equal what is already on flash (ranged, resumable)."""
        slot, manifest = self._require_installing()
        have = self.resume_offset()
        if offset != have:
            raise UpdateRefused("chunk at %d, expected %d" % (offset, have))
        if have + len(data) > manifest["bytes"]:
            raise UpdateRefused("download longer than the manifest's %d bytes" % manifest["bytes"])
        with open(self.root + "/" + slot + "/" + PART, "ab") as f:
            f.write(data)
        return have + len(data)

    def finish(self, check):
        """Verifies the downloaded file (check = maskgate_model.check: size, SHA-256, memory budget) and makes it
        the slot's model. A corrupt download is deleted and refused."""
        slot, manifest = self._require_installing()
        model, man = self.slot_files(slot)
        part = self.root + "/" + slot + "/" + PART
        if not _exists(model):
            try:
                check(part, man)
            except Exception as e:
                _remove(part)
                raise UpdateRefused("download refused: " + str(getattr(e, "reason", e)))
            os.rename(part, model)
        return slot

    def activate(self):
        """Marks the installed slot pending: the next boot tries it once (its trial) before anything else."""
        slot, _ = self._require_installing()
        model, _ = self.slot_files(slot)
        if not _exists(model):
            raise UpdateRefused("slot " + slot + " has no verified model")
        self._write_state(pending=slot, tried=False)
        self.installing = None

    def _require_installing(self):
        if self.installing is None:
            raise UpdateRefused("no update in progress (call begin)")
        return self.installing

    # ------------------------------------------------------------ boot, confirm, revert

    def candidates(self):
        """Models to try at boot, in order, as (slot, model path, manifest path); slot None is the factory model.
        A pending slot is offered once: its trial is recorded first, so a trial that never confirms (crash,
        reset, hang) is reverted at the next boot."""
        out = []
        pending = self.state["pending"]
        if pending is not None:
            if self.state["tried"]:
                self._write_state(pending=None, tried=False)  # the trial never confirmed: automatic revert
            else:
                self._write_state(tried=True)
                out.append(pending)
        active = self.state["active"]
        if active is not None:
            out.append(active)
        for slot in self.state["good"]:  # an earlier confirmed model, if the active one fails
            if slot not in out and slot != self.state["pending"]:
                out.append(slot)
        out.append(None)
        return [(s,) + self.slot_files(s) for s in out]

    def confirm(self, slot):
        """The slot's model passed its self-test: it becomes the active model."""
        good = [s for s in self.state["good"] if s != slot] + [slot]
        if self.state["pending"] == slot:
            self._write_state(active=slot, pending=None, tried=False, good=good)
        elif slot is not None and self.state["active"] != slot:
            self._write_state(active=slot, good=good)

    def revert(self, slot):
        """The slot's model failed (check or self-test): never offered as pending again."""
        good = [s for s in self.state["good"] if s != slot]
        if self.state["pending"] == slot:
            self._write_state(pending=None, tried=False, good=good)
        elif slot is not None and self.state["active"] == slot:
            self._write_state(active=None, good=good)
