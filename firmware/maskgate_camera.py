"""MaskGate door unit on the OpenMV Cam (H7 / H7 Plus / RT1062): the camera loop and its hardware glue.

Loop: capture -> face finder (int8 network on the letterboxed frame, maskgate_finder; the Haar cascade if the finder
is missing or refused) -> main face -> square crop with margin -> model input (32x32 RGB, int8 quantised by
the ml module) -> per-mille mask score -> N-of-M smoothing -> signed Decision over MQTT (QoS 1, monotonic seq
persisted across reboots, capture time in epoch ms). A retained UnitStatus reports health; the MQTT last will
reports the unit offline. While the broker is unreachable decisions wait in a bounded buffer and are sent in
order on reconnect. The unit never opens the door itself: only the service, after checking its policy, commands
the actuator. The model is checked against its manifest and the board's memory budget before it is loaded.

Paths are relative to the drive the camera boots from (its flash or SD card), where main.py runs. Tested under
real MicroPython with emulated camera modules (firmware/tests); the same file runs on the camera.
"""

import json
import time

try:
    import ubinascii as binascii
except ImportError:  # CPython (syntax checks)
    import binascii

import image
import sensor

import maskgate_finder as finder
import maskgate_model as model_check
import maskgate_ota as ota
import maskgate_protocol as protocol
import maskgate_slots as model_slots
import maskgate_unit as unit

CONFIG_PATH = "config.json"
PLACEHOLDER_KEY = "PASTE_THE_UNIT_KEY_RETURNED_ONCE_BY_UNIT_REGISTRATION"
INPUT_SIZE = 32  # the model input is 32x32 RGB
MIN_VALID_EPOCH_MS = 1704067200000  # 2024-01-01: anything earlier means the clock was never set


def load_config():
    with open(CONFIG_PATH) as f:
        cfg = json.load(f)
    if cfg.get("key") in (None, "", PLACEHOLDER_KEY):
        raise ValueError("config.json has no unit key: register the unit with the service and paste its key")
    return cfg


def connect_wifi(cfg):
    import network
    wlan = network.WLAN(network.STA_IF)
    wlan.active(True)
    if not wlan.isconnected():
        wlan.connect(cfg["wifi_ssid"], cfg["wifi_key"])
        start = time.ticks_ms()
        while not wlan.isconnected():
            if time.ticks_diff(time.ticks_ms(), start) > 30000:
                raise OSError("WiFi did not connect within 30 s")
            time.sleep_ms(200)
    return wlan


def sync_clock(clock=None):
    """Sets the RTC from NTP; decisions are withheld (never sent with a wrong time) until the clock is valid."""
    try:
        import ntptime
        ntptime.settime()
    except Exception as e:
        print("maskgate: NTP failed:", e)
    if clock is None:
        return unit.EpochClock()
    clock.resync()
    return clock


def mqtt_factory(cfg):
    try:
        from umqtt.simple import MQTTClient
    except ImportError:
        from mqtt import MQTTClient  # OpenMV's bundled client

    def make():
        return MQTTClient(cfg["unit_id"], cfg["broker_host"], port=cfg.get("broker_port", 1883),
                          user=cfg.get("mqtt_user"), password=cfg.get("mqtt_password"), keepalive=30)

    return make


class Classifier:
    """The int8 model behind OpenMV's `ml` module (firmware >= 4.5), falling back to the older `tf` module."""

    def __init__(self, path, mask_index):
        self.mask_index = mask_index
        self.last_crop = None
        try:
            import ml
            self.ml = ml
            self.model = ml.Model(path, load_to_fb=True)
            self.tf = None
        except ImportError:
            import tf
            self.ml = None
            self.tf = tf
            self.model = tf.load(path, load_to_fb=True)

    def mask_probability(self, img, roi):
        """Crops roi and shrinks it to the 32x32 model input with area averaging (as in training), then the model
        scales pixels to 0..1 and quantises them with its input scale / zero point; returns P(mask)."""
        side = roi[2]
        crop = img.copy(roi=roi, x_scale=INPUT_SIZE / side, y_scale=INPUT_SIZE / side, hint=image.AREA)
        self.last_crop = crop  # the 32x32 model input: the only picture that may leave the unit
        if self.ml is not None:
            outputs = self.model.predict([self.ml.preprocessing.Normalization()(crop)])
            return unit.mask_probability(list(outputs[0].flatten()), self.mask_index)
        result = self.tf.classify(self.model, crop)[0]
        return unit.mask_probability(result.output(), self.mask_index)

    @property
    def arena(self):
        return getattr(self.model, "ram", 0)

    def run_int8(self, tensor):
        """One raw int8 input tensor (a manifest self-test vector) through the model; the int8 output bytes. The
        ml module takes a float ndarray and quantises it with the input scale / zero point, which gives back
        exactly these int8 values; the dequantised outputs are quantised back the same way."""
        if self.ml is None:
            raise OSError("self-tests need the ml module (OpenMV firmware 4.5+)")
        from ulab import numpy as np
        m = self.model
        x = (np.frombuffer(tensor, dtype=np.int8) - m.input_zero_point[0]) * m.input_scale[0]
        out = m.predict([x.reshape(m.input_shape[0])])[0].flatten()
        scale = m.output_scale[0]
        zero = m.output_zero_point[0]
        return bytes([(int(round(v / scale)) + zero) & 0xFF for v in out])


class Finder:
    """The int8 face finder (maskgate_finder has the grid decoding): the frame is letterboxed into a 128x128 RGB
    image (scaled with area averaging, grey padding) and run through the ml module. Works on masked and unmasked
    faces alike, unlike the Haar cascade (models/REPORT.md, "Face finder")."""

    def __init__(self, path, threshold):
        import ml
        self.model = ml.Model(path, load_to_fb=True)
        self.norm = ml.preprocessing.Normalization()
        self.threshold = threshold
        self.canvas = image.Image(finder.INPUT, finder.INPUT, image.RGB565)

    def faces(self, img):
        """[(box in frame pixels, score)], best first."""
        w = img.width()
        h = img.height()
        lb = finder.Letterbox(w, h)
        c = self.canvas
        c.draw_rectangle(0, 0, finder.INPUT, finder.INPUT, color=(finder.PAD, finder.PAD, finder.PAD), fill=True)
        c.draw_image(img, lb.x, lb.y, x_scale=lb.w / w, y_scale=lb.h / h, hint=image.AREA)
        grid = list(self.model.predict([self.norm(c)])[0].flatten())
        return finder.find(grid, w, h, self.threshold)


def load_finder(cfg):
    """The network finder when its file matches its manifest (finder.json: bytes, SHA-256; its threshold unless
    config.json sets finder_threshold), else None: the unit
    then falls back to the Haar cascade, which finds fewer faces (so it unlocks less, never more) and says so."""
    path = cfg.get("finder_path", "finder.tflite")
    try:
        m = model_check.read_manifest(cfg.get("finder_manifest", "finder.json"))
        size, digest = model_check.file_sha256(path)
        if size != m["bytes"] or digest != m["sha256"]:
            raise model_check.ModelRefused("finder file does not match its manifest")
        threshold = cfg.get("finder_threshold") or m.get("threshold", finder.DEFAULT_THRESHOLD)
        if not isinstance(threshold, (int, float)) or not 0 < threshold < 1:
            raise model_check.ModelRefused("finder threshold %r is not in (0, 1)" % (threshold,))
        f = Finder(path, threshold)
        print("maskgate: face finder", m["version"], "at score >=", threshold)
        return f
    except Exception as e:
        print("maskgate: face finder refused:", getattr(e, "reason", None) or repr(e), "(Haar cascade instead)")
        return None


def main_face_roi(img, net_finder, cascade):
    """The square crop of the face the door decides on, or None: the network finder's main face with the door
    pipeline's crop (maskgate_finder, as the Java DoorPipeline), or the Haar cascade's largest face."""
    w = img.width()
    h = img.height()
    if net_finder is not None:
        boxes = [b for b, _ in net_finder.faces(img)]
        i = finder.main_face(boxes, w, h)
        return None if i is None else finder.square_crop(boxes[i], w, h)
    faces = img.find_features(cascade, threshold=0.75, scale_factor=1.25)
    if not faces:
        return None
    return unit.centre_square(max(faces, key=lambda r: r[2] * r[3]), w, h)


def crop_base64(crop):
    """The 32x32 crop as a JPEG, standard padded base64 (the FrameUpload's image)."""
    jpeg = crop.compressed(quality=90)
    return binascii.b2a_base64(bytes(jpeg.bytearray())).decode().strip()


def load_model(cfg, frame):
    """The model to run: the first of the slot candidates (a pending update once, the active model, an earlier
    confirmed one, the factory model) that matches its manifest, fits the board's memory budget and, for a
    pending update, passes its self-test on a live frame. A refused model is never loaded; each refusal is
    printed (the camera's console). Returns (manifest, classifier, slots)."""
    slots = model_slots.ModelSlots(cfg.get("slots_dir", "models"),
                                   (cfg.get("model_path", "model.tflite"), cfg.get("model_manifest", "model.json")))
    reasons = []
    for slot, path, manifest_path in slots.candidates():
        trial = slot is not None and slot == slots.state["pending"]
        try:
            manifest = model_check.check(path, manifest_path, cfg.get("board", "OPENMV_H7"),
                                         cfg.get("buffer_capacity", 200))
            classifier = Classifier(path, cfg.get("mask_index", 0))
            if trial:
                if "selfTests" in manifest:  # an OTA model: its signed manifest's vectors, exactly
                    problem = ota.run_self_tests(classifier, manifest["selfTests"], manifest["inputBytes"])
                    if problem is not None:
                        raise model_check.ModelRefused("self-test: " + problem)
                p = classifier.mask_probability(frame, unit.centre_square((0, 0, frame.width(), frame.height()),
                                                                          frame.width(), frame.height()))
                if not 0.0 <= p <= 1.0:
                    raise model_check.ModelRefused("self-test: P(mask) %r is not a probability" % p)
                slots.confirm(slot)
        except Exception as e:
            reason = getattr(e, "reason", None) or repr(e)
            print("maskgate: model refused:", reason, "(slot %s)" % (slot or "factory"))
            reasons.append(reason)
            if slot is not None:
                slots.revert(slot)
            continue
        print("maskgate: model", manifest["version"], "from slot", slot or "factory")
        return manifest, classifier, slots
    raise model_check.ModelRefused("no working model: " + "; ".join(reasons))


class Models:
    """The model in use, and how the OTA client loads and switches to an update without a reboot (the new
    model is loaded next to the running one: both fit the H7's frame buffer, see README's budget)."""

    def __init__(self, cfg, manifest, classifier):
        self.cfg = cfg
        self.manifest = manifest
        self.classifier = classifier

    def running_manifest(self):
        return self.manifest

    def load(self, slot):
        return Classifier(self.slots.slot_files(slot)[0], self.cfg.get("mask_index", 0))

    def keep(self, slot, loaded, manifest):
        self.classifier = loaded
        self.manifest = manifest
        print("maskgate: model", manifest["version"], "from slot", slot, "(update)")


def main():
    cfg = load_config()
    key = protocol.parse_key(cfg["key"])
    unit_id = cfg["unit_id"]
    door_id = cfg["door_id"]
    protocol.topic_decision(unit_id)  # validates the ids before anything runs
    protocol.topic_command(door_id)

    sensor.reset()
    sensor.set_pixformat(sensor.RGB565)
    sensor.set_framesize(sensor.QVGA)
    sensor.skip_frames(time=2000)
    manifest, classifier, slots = load_model(cfg, sensor.snapshot())
    models = Models(cfg, manifest, classifier)
    models.slots = slots
    net_finder = load_finder(cfg)
    faces_cascade = None if net_finder else image.HaarCascade("frontalface", stages=25)

    connect_wifi(cfg)
    clock = sync_clock()
    seqs = unit.SeqStore(cfg.get("seq_path", "maskgate.seq"))
    smoother = unit.Smoother(cfg.get("smoothing_n", 3), cfg.get("smoothing_m", 5), cfg.get("threshold", 500))
    pacer = unit.Pacer(cfg.get("repeat_ms", 1000))
    buffer = unit.OfflineBuffer(cfg.get("buffer_capacity", 200))

    def status_payload(online, fps, inference_ms):
        return protocol.encode_status(protocol.status(unit_id, online, models.manifest["version"], fps, inference_ms,
                                                      len(buffer), max(0, clock.now_ms())))

    updates = None
    try:
        fleet_key = protocol.parse_key(cfg.get("fleet_key") or "")
    except ValueError:
        fleet_key = None  # the unit still does its job; it just takes no model updates
        print("maskgate: config.json has no valid fleet_key (GET /api/ota/fleet-key): over-the-air updates are off")
    if fleet_key:
        updates = ota.OtaClient(unit_id, key, fleet_key, models.slots, models, None, lambda: link.connected,
                                clock.now_ms, cfg.get("board", "OPENMV_H7"), cfg.get("buffer_capacity", 200))
    link = unit.Link(mqtt_factory(cfg), unit_id, status_payload(False, 0, 0), buffer, clock.now_ms,
                     subscriptions=updates.topics if updates else ())
    if updates:
        updates.publish = link.send
        updates.resume()
    fps_clock = time.clock()
    inference_ms = 0.0
    last_status = None

    while True:
        fps_clock.tick()
        img = sensor.snapshot()
        captured_at = clock.now_ms()
        roi = main_face_roi(img, net_finder, faces_cascade)
        if roi is not None:
            t0 = time.ticks_ms()
            score = unit.per_mille(models.classifier.mask_probability(img, roi))
            inference_ms = 0.9 * inference_ms + 0.1 * time.ticks_diff(time.ticks_ms(), t0)
            smoothed = smoother.update(score)
            if smoothed is not None and captured_at >= MIN_VALID_EPOCH_MS:
                label, smoothed_score = smoothed
                if pacer.should_publish(label, captured_at):
                    msg = protocol.decision(unit_id, door_id, seqs.take(), captured_at, label, smoothed_score,
                                            models.manifest["version"], key)
                    link.send(protocol.topic_decision(unit_id), protocol.encode_decision(msg))
                    # uncertain: the crop goes right behind its decision, with its seq and score, so the service
                    # can re-verify it with the float model (a door in ENFORCE_VERIFIED mode waits for that)
                    if cfg.get("band_low", 400) <= smoothed_score <= cfg.get("band_high", 600):
                        frame = protocol.frame(unit_id, door_id, msg["seq"], captured_at,
                                               crop_base64(models.classifier.last_crop), smoothed_score, key)
                        link.send(protocol.topic_frame(unit_id), protocol.encode_frame(frame))
        else:
            smoother.reset()  # the person left: the next one starts a fresh window
            pacer.reset()
        now = clock.now_ms()
        if last_status is None or now - last_status >= cfg.get("status_every_ms", 10000):
            last_status = now
            if captured_at < MIN_VALID_EPOCH_MS:
                sync_clock(clock)
            link.send(protocol.topic_status(unit_id), status_payload(True, fps_clock.fps(), inference_ms),
                      retain=True)
        else:
            link.ensure_connected()
        if updates:
            link.poll()
            for topic, payload in link.take_messages():
                updates.on_message(topic, payload)
            updates.poll()
