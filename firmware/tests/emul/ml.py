"""Emulated OpenMV `ml` module (firmware 4.5+): Model runs the int8 .tflite through TensorFlow Lite Micro on the
host (../shared/tools/tflm-ref), the arithmetic the camera's TFLM + CMSIS-NN build computes. The model file is
read from the emulated flash, like the camera reads it."""
import json

import _host
from binascii import hexlify

loaded = []  # (path, load_to_fb) of every Model created, so tests can see what the firmware activated


class _Normalization:
    def __init__(self, scale=(0.0, 1.0), mean=(0.0, 0.0, 0.0), stdev=(1.0, 1.0, 1.0), roi=None):
        self.scale = scale

    def __call__(self, img):
        return (self, img)


class preprocessing:
    Normalization = _Normalization


class _NDArray:
    """The part of ulab's ndarray the firmware uses (flatten, iteration, indexing)."""

    def __init__(self, values, shape):
        self._values = values
        self.shape = shape

    def flatten(self):
        return _NDArray(list(self._values), (len(self._values),))

    def __iter__(self):
        return iter(self._values)

    def __len__(self):
        return len(self._values)

    def __getitem__(self, i):
        return self._values[i]


class Model:
    def __init__(self, path, load_to_fb=False):
        with open(path, "rb") as f:
            data = f.read()
        r = json.loads(_host.ml_load(hexlify(data).decode()))
        if "error" in r:
            raise ValueError("cannot load model %s: %s" % (path, r["error"]))
        loaded.append((path, load_to_fb))
        _host.emit(json.dumps({"event": "ml-load", "path": path, "bytes": len(data), "sha256": r["sha256"]}))
        info = json.loads(r["info"])
        self._id = r["id"]
        self._inputs = info["inputs"]
        self._outputs = info["outputs"]
        self.len = len(data)
        self.ram = info.get("arena_used_bytes", 0)
        self.input_shape = [tuple(t["shape"]) for t in self._inputs]
        self.input_dtype = [t["dtype"] for t in self._inputs]
        self.input_scale = [t["scale"] for t in self._inputs]
        self.input_zero_point = [t["zero_point"] for t in self._inputs]
        self.output_shape = [tuple(t["shape"]) for t in self._outputs]
        self.output_dtype = [t["dtype"] for t in self._outputs]
        self.output_scale = [t["scale"] for t in self._outputs]
        self.output_zero_point = [t["zero_point"] for t in self._outputs]

    def predict(self, inputs):
        if not isinstance(inputs[0], tuple):  # an ndarray of real values: quantised with the input's scale
            t = self._inputs[0]
            q = bytearray()
            for x in inputs[0].flatten():
                v = int(round(x / t["scale"])) + t["zero_point"]
                q.append((max(-128, min(127, v))) & 0xFF)
            r = json.loads(_host.ml_predict_tensor(self._id, hexlify(bytes(q)).decode()))
            return self._outputs_of(r)
        norm, img = inputs[0]
        lo, hi = norm.scale
        r = json.loads(_host.ml_predict(self._id, img._handle, lo, hi))
        return self._outputs_of(r)

    def _outputs_of(self, r):
        if "error" in r:
            raise OSError("inference failed: " + r["error"])
        raw = json.loads(r["outputs"])
        out = []
        for i, values in enumerate(raw):
            t = self._outputs[i]
            out.append(_NDArray([(q - t["zero_point"]) * t["scale"] for q in values], tuple(t["shape"])))
        return out
