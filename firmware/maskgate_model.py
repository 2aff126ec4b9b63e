"""The unit's model file and its memory budget, checked before the model is activated (loaded by `ml`).

A model comes with a manifest (model.json: version, byte size, SHA-256, TFLM tensor-arena bytes as measured
by TensorFlow Lite Micro for that file). The unit refuses a model whose file does not match its manifest, or
whose file + arena + the firmware's own buffers do not fit the board, and says why: an over-budget model would
fail on the camera with a MemoryError at load or, worse, mid-frame. No OpenMV imports: tested under MicroPython
and CPython.
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

KB = 1024

# Memory of the boards this firmware supports (OpenMV documentation, "RAM layout"): the frame buffer region
# holds the captured frame, a model loaded with load_to_fb=True and the TFLM tensor arena; the MicroPython heap
# holds the firmware's objects (offline buffer, smoothing window, JSON). max_model_ram is the largest
# model + arena the unit accepts: 230 KB on the H7 is the largest model the reference design reports loading,
# well inside the 400 KB the board documentation gives, so a model the unit accepts is one known to load.
BOARDS = {
    "OPENMV_H7": {"frame_buffer": 512 * KB, "heap": 256 * KB, "max_model_ram": 230 * KB},
    "OPENMV_H7_PLUS": {"frame_buffer": 32 * 1024 * KB, "heap": 256 * KB, "max_model_ram": 4 * 1024 * KB},
}

FRAME_BYTES = 320 * 240 * 2  # QVGA RGB565 snapshot
CROP_BYTES = 32 * 32 * 2  # the 32x32 model input crop (RGB565 on the camera)
# face finder (finder.json): model file 40,384 (load_to_fb) + TFLM arena 89,424 (CMSIS-NN, tflm-ref --info) in
# the frame buffer; OpenMV allocates an arena per inference, so counting it as resident is an upper bound. Its
# 128x128 RGB565 letterbox image (image.Image without copy_to_fb) lives on the MicroPython heap.
FINDER_BYTES = 40384 + 89424
FINDER_IMAGE_BYTES = 128 * 128 * 2
STACK_MARGIN = 16 * KB  # fb_alloc alignment and scratch
DECISION_BYTES = 344  # one encoded decision in the offline buffer with its tuple and list slot (measured, README)
HEAP_BASELINE = 96 * KB  # modules (23 KB measured), config, live objects and per-frame garbage, with room to spare


class ModelRefused(Exception):
    """The model is not activated; reason says why (for the console and, with OTA, the progress report)."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


def read_manifest(path):
    try:
        with open(path) as f:
            m = json.loads(f.read())
    except OSError:
        raise ModelRefused("no model manifest at " + path)
    except ValueError:
        raise ModelRefused("model manifest " + path + " is not JSON")
    for name in ("version", "bytes", "sha256", "arenaBytes"):
        if name not in m:
            raise ModelRefused("model manifest lacks " + name)
    return m


def file_sha256(path, chunk=4096):
    h = hashlib.sha256()
    size = 0
    with open(path, "rb") as f:
        while True:
            block = f.read(chunk)
            if not block:
                break
            size += len(block)
            h.update(block)
    return size, binascii.hexlify(h.digest()).decode("ascii")


def budget(board, model_bytes, arena_bytes, buffer_capacity):
    """The memory table for one model on one board: a list of (item, bytes, limit) rows; a row whose bytes
    exceed its limit is over budget."""
    b = BOARDS[board]
    fb_used = FRAME_BYTES + CROP_BYTES + FINDER_BYTES + STACK_MARGIN + model_bytes + arena_bytes
    heap_used = HEAP_BASELINE + FINDER_IMAGE_BYTES + buffer_capacity * DECISION_BYTES
    return [
        ("model file + tensor arena", model_bytes + arena_bytes, b["max_model_ram"]),
        ("frame buffer: frame + crop + finder + margin + model + arena", fb_used, b["frame_buffer"]),
        ("heap: firmware + finder image + offline buffer of %d decisions" % buffer_capacity, heap_used, b["heap"]),
    ]


def check(model_path, manifest_path, board, buffer_capacity):
    """Returns the manifest when the model file matches it and fits the board; raises ModelRefused otherwise.
    Runs before ml.Model is created, so a refused model is never loaded."""
    if board not in BOARDS:
        raise ModelRefused("unknown board " + str(board) + " (known: " + ", ".join(sorted(BOARDS)) + ")")
    m = read_manifest(manifest_path)
    for item, used, limit in budget(board, m["bytes"], m["arenaBytes"], buffer_capacity):
        if used > limit:
            raise ModelRefused("over budget on %s: %s needs %d bytes, limit %d" % (board, item, used, limit))
    try:
        size, digest = file_sha256(model_path)
    except OSError:
        raise ModelRefused("no model file at " + model_path)
    if size != m["bytes"]:
        raise ModelRefused("model file is %d bytes, manifest says %d" % (size, m["bytes"]))
    if digest != m["sha256"]:
        raise ModelRefused("model file SHA-256 does not match its manifest")
    return m
