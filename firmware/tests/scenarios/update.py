# Emulator scenario (not firmware): installs the model staged in incoming/ (model.tflite + model.json) into the
# free slot the way an OTA client would (begin, ranged 16 KB chunks from the resume offset, finish with the
# manifest and budget check, activate), printing each step. Run with `run.mjs run --script`.
import gc
import json

import _host
import maskgate_model
import maskgate_slots


_last = [gc.mem_alloc()]


def step(name, **extra):
    # heap allocated since the previous step (no collection frees anything inside one script in this build)
    now = gc.mem_alloc()
    extra["event"] = "update"
    extra["step"] = name
    extra["allocated"] = now - _last[0]
    _host.emit(json.dumps(extra))
    _last[0] = gc.mem_alloc()


with open("config.json") as f:
    cfg = json.loads(f.read())
with open("incoming/model.json") as f:
    manifest = json.loads(f.read())
slots = maskgate_slots.ModelSlots(cfg.get("slots_dir", "models"))
try:
    offset = slots.begin(manifest)
    step("begin", offset=offset)
    with open("incoming/model.tflite", "rb") as f:
        f.seek(offset)
        while True:
            chunk = f.read(16384)
            if not chunk:
                break
            offset = slots.write(offset, chunk)
            step("chunk", offset=offset)
    slot = slots.finish(lambda m, man: maskgate_model.check(m, man, cfg.get("board", "OPENMV_H7"),
                                                             cfg.get("buffer_capacity", 200)))
    step("verified", slot=slot)
    slots.activate()
    step("activated", slot=slot)
except maskgate_slots.UpdateRefused as e:
    step("refused", reason=e.reason)
