"""Emulated OpenMV `sensor` module: snapshots are frames from a folder of images (the host decodes them), paced
at the emulator's frame rate. Also records the MicroPython heap per frame (emulator figures, not firmware)."""
import gc
import json

import _host
import image

RGB565 = 2
GRAYSCALE = 1
BAYER = 3
QQVGA = 4
QVGA = 5
VGA = 8
HQVGA = 6
B128X128 = 10
_state = {"frame": 0, "alloc_before": None}


def reset():
    pass


def set_pixformat(fmt):
    pass


def set_framesize(size):
    pass


def set_windowing(*args):
    pass


def skip_frames(n=None, time=None):
    pass


def width():
    return 320


def height():
    return 240


def snapshot():
    # Heap figure: bytes the firmware allocated since the last snapshot (one loop iteration). In this WebAssembly
    # build a collection inside a running script frees nothing (it does between scripts), so the growth of
    # gc.mem_alloc() between two snapshots is what the iteration allocated; a negative step (an automatic
    # collection) is not reported.
    now = gc.mem_alloc()
    before = _state["alloc_before"]
    if before is not None and now >= before:
        _host.emit(json.dumps({"event": "heap", "frame": _state["frame"], "allocated": now - before}))
    _state["alloc_before"] = now
    r = json.loads(_host.cam_snapshot())
    if r.get("end"):
        raise SystemExit("emulator: frame budget done")
    if "error" in r:
        raise OSError(r["error"])
    _state["frame"] += 1
    return image.Image(r["w"], r["h"], image.RGB565, _handle=r["id"])
