"""MaskGate door unit firmware for the OpenMV Cam (H7 / H7 Plus / RT1062), MicroPython.

Loop: capture -> largest face (Haar cascade) -> centre square crop -> model input (32x32 RGB, int8 quantised by
the ml module) -> per-mille mask score -> N-of-M smoothing -> signed Decision over MQTT (QoS 1, monotonic seq
persisted across reboots, capture time in epoch ms). A retained UnitStatus reports health; the MQTT last will
reports the unit offline. While the broker is unreachable decisions wait in a bounded buffer and are sent in
order on reconnect. The unit never opens the door itself: only the service, after checking its policy, commands
the actuator.

Copy to the camera's flash: main.py, maskgate_protocol.py, maskgate_unit.py, the int8 model (model.tflite) and a
config.json made from config.example.json (it holds the unit key: never commit it). Protocol and unit logic are
tested under CPython (firmware/tests); this file is the thin hardware glue.
"""

import json
import time

try:
    import ubinascii as binascii
except ImportError:  # CPython (syntax checks)
    import binascii

import image
import sensor

import maskgate_protocol as protocol
import maskgate_unit as unit

CONFIG_PATH = "/config.json"
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


def crop_base64(crop):
    """The 32x32 crop as a JPEG, standard padded base64 (the FrameUpload's image)."""
    jpeg = crop.compressed(quality=90)
    return binascii.b2a_base64(bytes(jpeg.bytearray())).decode().strip()


def main():
    cfg = load_config()
    key = protocol.parse_key(cfg["key"])
    unit_id = cfg["unit_id"]
    door_id = cfg["door_id"]
    model_version = cfg["model_version"]
    protocol.topic_decision(unit_id)  # validates the ids before anything runs
    protocol.topic_command(door_id)

    sensor.reset()
    sensor.set_pixformat(sensor.RGB565)
    sensor.set_framesize(sensor.QVGA)
    sensor.skip_frames(time=2000)
    faces_cascade = image.HaarCascade("frontalface", stages=25)
    classifier = Classifier(cfg["model_path"], cfg.get("mask_index", 0))

    connect_wifi(cfg)
    clock = sync_clock()
    seqs = unit.SeqStore(cfg.get("seq_path", "/maskgate.seq"))
    smoother = unit.Smoother(cfg.get("smoothing_n", 3), cfg.get("smoothing_m", 5), cfg.get("threshold", 500))
    pacer = unit.Pacer(cfg.get("repeat_ms", 1000))
    buffer = unit.OfflineBuffer(cfg.get("buffer_capacity", 200))

    def status_payload(online, fps, inference_ms):
        return protocol.encode_status(protocol.status(unit_id, online, model_version, fps, inference_ms,
                                                      len(buffer), max(0, clock.now_ms())))

    link = unit.Link(mqtt_factory(cfg), unit_id, status_payload(False, 0, 0), buffer, clock.now_ms)
    fps_clock = time.clock()
    inference_ms = 0.0
    last_status = None

    while True:
        fps_clock.tick()
        img = sensor.snapshot()
        captured_at = clock.now_ms()
        faces = img.find_features(faces_cascade, threshold=0.75, scale_factor=1.25)
        if faces:
            face = max(faces, key=lambda r: r[2] * r[3])
            roi = unit.centre_square(face, img.width(), img.height())
            t0 = time.ticks_ms()
            score = unit.per_mille(classifier.mask_probability(img, roi))
            inference_ms = 0.9 * inference_ms + 0.1 * time.ticks_diff(time.ticks_ms(), t0)
            smoothed = smoother.update(score)
            if smoothed is not None and captured_at >= MIN_VALID_EPOCH_MS:
                label, smoothed_score = smoothed
                if pacer.should_publish(label, captured_at):
                    msg = protocol.decision(unit_id, door_id, seqs.take(), captured_at, label, smoothed_score,
                                            model_version, key)
                    link.send(protocol.topic_decision(unit_id), protocol.encode_decision(msg))
                    # uncertain: the crop goes right behind its decision, with its seq and score, so the service
                    # can re-verify it with the float model (a door in ENFORCE_VERIFIED mode waits for that)
                    if cfg.get("band_low", 400) <= smoothed_score <= cfg.get("band_high", 600):
                        frame = protocol.frame(unit_id, door_id, msg["seq"], captured_at,
                                               crop_base64(classifier.last_crop), smoothed_score, key)
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


main()
