"""The door unit's face finding for MicroPython (OpenMV) and CPython: the int8 finder's output grid -> face boxes
in frame pixels -> the main face -> the square crop the classifier gets.

It mirrors the Java door pipeline step for step (tinyml FinderDecoder and Letterbox, device-agent MainFace and
SquareCrop) and runs the same test vectors (device-agent/test-vectors/door-finder.json), so the camera decides on
the face the device agent and `model evaluate-door` would. No OpenMV imports: the camera glue (maskgate_camera)
letterboxes the frame and runs the model. Boxes are tuples (x0, y0, x1, y1) in pixel edges.
"""

import math

INPUT = 128  # the finder's square RGB input
CELL = 8  # input pixels per grid cell
GRID = INPUT // CELL
CHANNELS = 5  # score, centre offset x, centre offset y, width, height (all sigmoid)
OFFSET_RANGE = 2.0  # a centre lies within +-2 cells of its cell's centre
DEFAULT_THRESHOLD = 0.7
NMS_IOU = 0.3
PAD = 128  # grey of the letterbox's padding
MARGIN = 0.2  # crop margin per side, as a share of the face's long side


def java_round(x):
    """Java's Math.round (halves go up), which the Java pipeline uses; Python's round() goes to even."""
    return int(math.floor(x + 0.5))


class Letterbox:
    """How a WxH frame sits in the square input: scaled so its long side fills it, rounded to whole pixels,
    centred, the rest padded with grey."""

    def __init__(self, frame_w, frame_h, size=INPUT):
        if frame_w <= 0 or frame_h <= 0:
            raise ValueError("empty frame %dx%d" % (frame_w, frame_h))
        s = size / max(frame_w, frame_h)
        self.frame_w = frame_w
        self.frame_h = frame_h
        self.w = max(1, min(size, java_round(frame_w * s)))
        self.h = max(1, min(size, java_round(frame_h * s)))
        self.x = (size - self.w) // 2
        self.y = (size - self.h) // 2

    def to_frame(self, box):
        """A box in input pixels mapped into the frame's pixels, clipped to the frame."""
        sx = self.w / self.frame_w
        sy = self.h / self.frame_h
        x0 = (box[0] - self.x) / sx
        y0 = (box[1] - self.y) / sy
        x1 = (box[2] - self.x) / sx
        y1 = (box[3] - self.y) / sy
        return (max(0, x0), max(0, y0), min(self.frame_w, x1), min(self.frame_h, y1))


def area(b):
    return max(0, b[2] - b[0]) * max(0, b[3] - b[1])


def iou(a, b):
    iw = min(a[2], b[2]) - max(a[0], b[0])
    ih = min(a[3], b[3]) - max(a[1], b[1])
    if iw <= 0 or ih <= 0:
        return 0.0
    inter = iw * ih
    union = area(a) + area(b) - inter
    return 0.0 if union <= 0 else inter / union


def _local_max(p, x, y, s):
    for dy in (-1, 0, 1):
        for dx in (-1, 0, 1):
            nx = x + dx
            ny = y + dy
            if (dx == 0 and dy == 0) or nx < 0 or ny < 0 or nx >= GRID or ny >= GRID:
                continue
            o = p[(ny * GRID + nx) * CHANNELS]
            # ties go to the earlier cell in row-major order, so a plateau yields one centre
            if o > s or (o == s and (ny * GRID + nx) < (y * GRID + x)):
                return False
    return True


def decode(p, threshold=DEFAULT_THRESHOLD, nms_iou=NMS_IOU):
    """The grid's probabilities (GRID*GRID*CHANNELS, row-major) -> [(box in input pixels, score)], best first: a
    cell is a face centre when its score reaches the threshold and is the largest in its 3x3 neighbourhood; boxes
    overlapping a better one by more than nms_iou are dropped."""
    if len(p) != GRID * GRID * CHANNELS:
        raise ValueError("finder output must have %d values, got %d" % (GRID * GRID * CHANNELS, len(p)))
    candidates = []
    for y in range(GRID):
        for x in range(GRID):
            i = (y * GRID + x) * CHANNELS
            s = p[i]
            if s < threshold or not _local_max(p, x, y, s):
                continue
            cx = (x + 0.5 + (p[i + 1] * 2 * OFFSET_RANGE - OFFSET_RANGE)) * CELL
            cy = (y + 0.5 + (p[i + 2] * 2 * OFFSET_RANGE - OFFSET_RANGE)) * CELL
            w = p[i + 3] * INPUT
            h = p[i + 4] * INPUT
            candidates.append((-s, len(candidates), (cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2), s))
    # best first, equal scores in row-major order as Java's stable List.sort leaves them (MicroPython's sort is
    # not stable, so the order is part of the key)
    candidates.sort()
    kept = []
    for _, _, box, s in candidates:
        if all(iou(k[0], box) <= nms_iou for k in kept):
            kept.append((box, s))
    return kept


def find(p, frame_w, frame_h, threshold=DEFAULT_THRESHOLD):
    """Decoded faces mapped back through the letterbox into the frame: [(box in frame pixels, score)]."""
    lb = Letterbox(frame_w, frame_h)
    return [(lb.to_frame(b), s) for b, s in decode(p, threshold)]


def main_face(boxes, frame_w, frame_h):
    """Index of the face the door decides on, or None: the largest (the person nearest the camera); boxes within
    10 % of the largest area count as equally large, and of those the one nearest the frame's centre wins."""
    largest = 0
    for b in boxes:
        largest = max(largest, area(b))
    best = None
    best_distance = None
    for i, b in enumerate(boxes):
        a = area(b)
        if a < 0.9 * largest or a <= 0:
            continue
        dx = (b[0] + b[2]) / 2 - frame_w / 2.0
        dy = (b[1] + b[3]) / 2 - frame_h / 2.0
        d = math.sqrt(dx * dx + dy * dy)
        if best_distance is None or d < best_distance:
            best_distance = d
            best = i
    return best


def square_crop(box, frame_w, frame_h, margin=MARGIN):
    """The crop the classifier sees, (x, y, side, side): a square around the box, its side the box's long side
    plus margin of it on each side, moved inside the frame, shrunk to the frame's short side if larger."""
    long_side = max(box[2] - box[0], box[3] - box[1])
    side = java_round(long_side * (1 + 2 * margin))
    side = max(1, min(side, min(frame_w, frame_h)))
    x = java_round((box[0] + box[2]) / 2 - side / 2.0)
    y = java_round((box[1] + box[3]) / 2 - side / 2.0)
    x = max(0, min(frame_w - side, x))
    y = max(0, min(frame_h - side, y))
    return (x, y, side, side)
