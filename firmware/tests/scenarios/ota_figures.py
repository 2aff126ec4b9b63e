# Emulator scenario (not firmware), for `run.mjs figures`: one OTA install through the firmware's own OtaClient,
# with a stand-in service answering each fetch from the shipped model file, the camera's Classifier (emulated ml,
# TFLM) running the manifest's self-tests, and the MicroPython heap allocated by each step (gc.collect() before
# each, so a step's figure is what it allocates). Also the Ed25519 manifest verify time. Prints one EMUL event.
import gc
import hashlib
import json
import time
from binascii import b2a_base64, hexlify, unhexlify

import _host
import maskgate_camera as camera
import maskgate_ota as ota
import maskgate_protocol as p
import maskgate_slots as ms

UNIT = "figures-unit"
KEY = bytes(32)
MODEL = "model.tflite"
NOW = time.time() * 1000 + 946684800000

with open(MODEL, "rb") as f:
    data = f.read()
classifier = camera.Classifier(MODEL, 1)
seeds = ("0001020304050607", "a1b2c3d4e5f60718", "0f0e0d0c0b0a0908", "1122334455667788")
tests = ";".join(s + ":" + hexlify(classifier.run_int8(p.self_test_input(s, 3072))).decode() for s in seeds)
m = {"v": 1, "version": "figures-v2", "sha256": hexlify(hashlib.sha256(data).digest()).decode(), "size": len(data),
     "ops": "CONV_2D,MEAN", "arenaBytes": 28752, "inputBytes": 3072, "selfTests": tests, "created": 0, "sig": None}
m["sig"] = _host.fleet_sign("fleet", hexlify(p.canonical_manifest(m).encode()).decode())
manifest = p.encode(p.MANIFEST_FIELDS, m).decode()
fleet = unhexlify(_host.fleet_public("fleet"))

times = []
for _ in range(5):
    t0 = time.ticks_us()
    reason, _, _ = p.verify_manifest(manifest, fleet)
    times.append(time.ticks_diff(time.ticks_us(), t0))
    assert reason is None, reason
times.sort()
gc.collect()
a0 = gc.mem_alloc()
p.verify_manifest(manifest, fleet)
verify_alloc = gc.mem_alloc() - a0


class Host:
    def running_manifest(self):
        return {"version": "factory", "sha256": "0" * 64}  # so the client does not see its file as running

    def load(self, slot):
        mark("verify")
        return camera.Classifier(slots.slot_files(slot)[0], 1)

    def keep(self, slot, loaded, manifest):
        pass


out = []
marks = []


def mark(name):
    marks.append((name, gc.mem_alloc()))


slots = ms.ModelSlots("figures-models", (MODEL, "model.json"))
real_finish = slots.finish


def finish(check):
    mark("chunks")
    return real_finish(check)


slots.finish = finish
client = ota.OtaClient(UNIT, KEY, fleet, slots, Host(), lambda t, b: out.append((t, b)), lambda: True,
                       lambda: int(NOW))
cmd = {"v": 1, "unitId": UNIT, "actionId": "fig-1", "kind": "INSTALL", "version": "figures-v2",
       "manifest": manifest, "chunkSize": 16384, "issuedAt": int(NOW) - 1000, "expiresAt": int(NOW) + 600000,
       "sig": None}
cmd["sig"] = p.hmac_hex(KEY, p.canonical_ota_command(cmd))
payload = p.encode(p.OTA_COMMAND_FIELDS, cmd)
steps = {"command": None, "chunk": [], "verify": None, "activate": None}
gc.collect()
start = gc.mem_alloc()
client.on_message(p.topic_ota(UNIT), payload)
steps["command"] = gc.mem_alloc() - start
served = 0
while True:
    fetches = [json.loads(b) for t, b in out if t == p.topic_ota_fetch(UNIT)]
    if served >= len(fetches):
        break
    f = fetches[served]
    served += 1
    part = data[f["offset"]:f["offset"] + f["length"]]
    chunk = p.encode(p.OTA_CHUNK_FIELDS, {"v": 1, "unitId": UNIT, "actionId": "fig-1", "offset": f["offset"],
                                          "total": len(data), "sha256": hexlify(hashlib.sha256(part).digest()).decode(),
                                          "data": b2a_base64(part).decode().strip()})
    part = None
    del marks[:]
    gc.collect()
    start = gc.mem_alloc()
    client.on_message(p.topic_ota_chunk(UNIT), chunk)
    end = gc.mem_alloc()
    if marks:  # the last chunk: download, then verify, then activate + self-tests
        steps["chunk"].append(marks[0][1] - start)
        steps["verify"] = marks[1][1] - marks[0][1]
        steps["activate"] = end - marks[1][1]
    else:
        steps["chunk"].append(end - start)
states = [json.loads(b)["state"] for t, b in out if t == p.topic_ota_report(UNIT)]
_host.emit(json.dumps({"event": "ota-figures", "steps": steps, "states": states, "fetches": served,
                       "verifyUs": times, "verifyAlloc": verify_alloc, "bytes": len(data), "selfTests": len(seeds)}))
