"""Emulated OpenMV `image` module: images are handles to pixels held by the host (Image(w, h, fmt),
copy, draw_rectangle filled, draw_image scaled). find_features with a Haar
cascade is a stand-in: it returns the annotated face boxes of ilc-2021-scenes/boxes.csv for the frame's photo
(the emulator has no cascade), or the whole image for a face-crop image."""
import json

import _host

AREA = 1 << 2
BILINEAR = 1 << 1
BICUBIC = 1 << 3
RGB565 = 2
GRAYSCALE = 1


class HaarCascade:
    def __init__(self, path, stages=None):
        self.path = path
        self.stages = stages


class Image:
    """image.Image(width, height, pixformat) allocates a blank image as on OpenMV; the emulator's own images
    (frames, copies) pass their host handle."""

    def __init__(self, w, h, pixformat=RGB565, _handle=None):
        if _handle is None:
            r = json.loads(_host.cam_new(w, h))
            if "error" in r:
                raise OSError(r["error"])
            _handle = r["id"]
        self._handle = _handle
        self._w = w
        self._h = h

    def width(self):
        return self._w

    def height(self):
        return self._h

    def find_features(self, cascade, threshold=0.5, scale_factor=1.5, roi=None):
        if not isinstance(cascade, HaarCascade):
            raise TypeError("expected a HaarCascade")
        boxes = json.loads(_host.cam_find_faces(self._handle))
        if boxes is None:
            raise OSError("image is no longer in the frame buffer")
        return [tuple(b) for b in boxes]

    def copy(self, roi=None, x_scale=1.0, y_scale=1.0, hint=0, copy_to_fb=False):
        r = json.loads(_host.cam_copy(self._handle, json.dumps(list(roi) if roi else None), x_scale, y_scale))
        if "error" in r:
            raise OSError(r["error"])
        return Image(r["w"], r["h"], RGB565, _handle=r["id"])

    def draw_rectangle(self, x, y, w, h, color=(255, 255, 255), thickness=1, fill=False):
        if not fill:
            raise NotImplementedError("the emulator draws filled rectangles only")
        r = json.loads(_host.cam_fill(self._handle, json.dumps([x, y, w, h]), json.dumps(list(color))))
        if "error" in r:
            raise OSError(r["error"])
        return self

    def draw_image(self, img, x, y, x_scale=1.0, y_scale=1.0, roi=None, hint=0):
        """img scaled (area average) and drawn with its top-left corner at (x, y), clipped to this image."""
        r = json.loads(_host.cam_draw(self._handle, img._handle, x, y, x_scale, y_scale))
        if "error" in r:
            raise OSError(r["error"])
        return self

    def get_pixel(self, x, y, rgbtuple=True):
        return tuple(json.loads(_host.cam_pixel(self._handle, x, y)))
