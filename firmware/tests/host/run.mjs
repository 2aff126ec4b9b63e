#!/usr/bin/env node
// Runs MaskGate's OpenMV firmware under real MicroPython (the WebAssembly build of MicroPython 1.27, pinned in
// ../package.json) with emulated OpenMV modules (../emul): the firmware files are loaded unchanged from a
// folder mounted as the camera's flash.
//
//   node host/run.mjs test [--only NAME]          the MicroPython tests in ../mpy (vectors, unit logic, imports)
//   node host/run.mjs run --flash DIR --frames F  boot the camera: DIR holds main.py, the firmware modules,
//        [--fps N] [--max-frames N] [--ml-log FILE] config.json and the model, as copied to a real camera
//        [--script FILE] [--power-cut-after N]   run FILE instead of main.py; kill the process before the
//                                               N-th change to the flash (a power cut)
//        [--power-cut-on REGEX [--power-cut-skip K]]  kill it before the (K+1)-th flash change whose description
//                                               matches REGEX (e.g. "^write .*model\.tflite\.part$")
//   node host/run.mjs figures [--frames F] [--max-frames N]   heap per frame and the memory budget table
//
// Emulator events (MQTT acknowledgements, heap per frame, summary) are printed as lines "EMUL {json}".
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { loadMicroPython } from "@micropython/micropython-webassembly-pyscript";
import { hostFs } from "./hostfs.mjs";
import { camera } from "./camera.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const testsDir = path.resolve(here, "..");
const firmwareDir = path.resolve(testsDir, "..");
const repoDir = path.resolve(firmwareDir, "..");

function parseArgs(argv) {
  const out = { mode: argv[0], _: [] };
  for (let i = 1; i < argv.length; i++) {
    if (argv[i].startsWith("--")) {
      const key = argv[i].slice(2);
      const next = argv[i + 1];
      if (next === undefined || next.startsWith("--")) out[key] = true; else { out[key] = next; i++; }
    } else out._.push(argv[i]);
  }
  return out;
}

const args = parseArgs(process.argv.slice(2));
const dataDir = process.env.MASKGATE_DATA || path.resolve(repoDir, "..", "shared", "datasets");
const tflmRef = process.env.TFLM_REF || path.resolve(dataDir, "..", "tools", "tflm-ref", "tflm-ref");

const listeners = [];
function emit(event) {
  const line = typeof event === "string" ? event : JSON.stringify(event);
  for (const l of listeners) l(JSON.parse(line));
  if (!args.quiet) process.stdout.write("EMUL " + line + "\n");
}

// ---- network bridge: a worker thread owns the sockets; calls block on Atomics.wait
const shared = new SharedArrayBuffer(8 + (1 << 20));
const control = new Int32Array(shared, 0, 2);
const replyBytes = new Uint8Array(shared, 8);
let worker = null;
function netCall(req, waitMs) {
  if (worker === null) {
    worker = new Worker(path.join(here, "netbridge.mjs"), { workerData: { shared } });
    worker.unref();
  }
  Atomics.store(control, 0, 0);
  worker.postMessage(req);
  const r = Atomics.wait(control, 0, 0, waitMs + 5000);
  if (r === "timed-out") return JSON.stringify({ error: "ETIMEDOUT" });
  const len = Atomics.load(control, 1);
  return Buffer.from(replyBytes.subarray(0, len)).toString("utf8");
}
const LOOPBACK = new Set(["127.0.0.1", "localhost", "::1"]);
const net = {
  net_connect: (host, port, timeoutMs) => LOOPBACK.has(host)
    ? netCall({ op: "connect", host, port, timeoutMs }, timeoutMs)
    : JSON.stringify({ error: "EHOSTUNREACH" }), // tests reach only this machine
  net_send: (id, hex) => netCall({ op: "send", id, data: hex }, 10000),
  net_recv: (id, max, timeoutMs) => netCall({ op: "recv", id, max, timeoutMs }, timeoutMs),
  net_close: (id) => netCall({ op: "close", id }, 1000),
};

// Tests only (never a camera): Ed25519 fleet keys made for this run, so the MicroPython tests can sign
// manifests the firmware then verifies ("fleet" is the unit's key, "other" one it must refuse).
const testKeys = { fleet: crypto.generateKeyPairSync("ed25519"), other: crypto.generateKeyPairSync("ed25519") };
const testSigner = {
  fleet_public: (which) => testKeys[which].publicKey.export({ format: "der", type: "spki" }).subarray(12).toString("hex"),
  fleet_sign: (which, hex) => crypto.sign(null, Buffer.from(hex, "hex"), testKeys[which].privateKey).toString("hex"),
};

const fsStats = { mutations: 0 };
let scriptDir = null;
async function boot(cam) {
  const mp = await loadMicroPython({
    stdout: (line) => process.stdout.write(line + "\n"),
    stderr: (line) => process.stderr.write(line + "\n"),
  });
  mp.registerJsModule("_host", {
    ...hostFs(args["power-cut-after"] ? Number(args["power-cut-after"]) : 0, fsStats,
      typeof args["power-cut-on"] === "string"
        ? { pattern: new RegExp(args["power-cut-on"]), skip: Number(args["power-cut-skip"] || 0) } : null),
    ...net,
    ...(cam ? cam.fns : {}),
    emit: (json) => { emit(json); return 0; },
    ...(args.mode === "run" ? {} : testSigner), // never on a camera run
    wall_ms: () => Date.now(),
    env: (name) => process.env[name] ?? null,
  });
  mp.runPython(fs.readFileSync(path.join(testsDir, "emul", "_boot.py"), "utf8"));
  return mp;
}

function py(mp, code) {
  try {
    mp.runPython(code);
    return null;
  } catch (e) {
    if (e && e.name === "PythonError") return e;
    throw e;
  }
}

function firmwareModules(dir) {
  return fs.readdirSync(dir).filter((f) => f.endsWith(".py")).map((f) => f.slice(0, -3));
}

async function runTests() {
  const flash = fs.mkdtempSync(path.join(os.tmpdir(), "maskgate-flash-"));
  const mp = await boot(null);
  const only = typeof args.only === "string" ? args.only : "";
  const err = py(mp, `
import sys
mount(${JSON.stringify(path.join(testsDir, "emul"))}, "/emul", True)
mount(${JSON.stringify(firmwareDir)}, "/fw", True)
mount(${JSON.stringify(path.join(repoDir, "protocol", "test-vectors"))}, "/vectors", True)
mount(${JSON.stringify(path.join(repoDir, "device-agent", "test-vectors"))}, "/door-vectors", True)
mount(${JSON.stringify(path.join(testsDir, "mpy"))}, "/tests", True)
mount(${JSON.stringify(path.join(repoDir, "models"))}, "/models", True)
mount(${JSON.stringify(flash)}, "/flash")
FIRMWARE_MODULES.update(${JSON.stringify(firmwareModules(firmwareDir))})
sys.path[:] = ["/tests", "/fw", "/emul", ".frozen"]
import runner
runner.main(${JSON.stringify(only)})
`);
  fs.rmSync(flash, { recursive: true, force: true });
  if (err) {
    console.error(err.message);
    process.exit(2);
  }
  const failed = mp.globals.get("runner").FAILED;
  process.exit(failed === 0 ? 0 : 1);
}

async function bootCamera(flash, frames, maxFrames, script = null) {
  const cam = camera({
    frames, dataDir, tflmRef,
    fps: args.fps ? Number(args.fps) : 0,
    maxFrames,
    mlLog: typeof args["ml-log"] === "string" ? path.resolve(args["ml-log"]) : null,
  });
  const mp = await boot(cam);
  emit({ event: "boot", flash, micropython: "1.27.0" });
  const err = py(mp, `
import sys, os
mount(${JSON.stringify(path.join(testsDir, "emul"))}, "/emul", True)
mount(${JSON.stringify(flash)}, "/flash")
${scriptDir ? `mount(${JSON.stringify(scriptDir)}, "/emul-script", True)` : ""}
os.chdir("/flash")
FIRMWARE_MODULES.update(${JSON.stringify(firmwareModules(flash))})
sys.path[:] = ["", "/flash/lib", "/emul"]
${script ? `exec(open(${JSON.stringify(script)}).read(), {"__name__": "__main__"})` : "import main"}
`);
  cam.cleanup();
  return { mp, cam, err };
}

async function runCamera() {
  if (typeof args.flash !== "string") throw new Error("run needs --flash DIR");
  const flash = path.resolve(args.flash);
  const script = typeof args.script === "string" ? "/emul-script/" + path.basename(args.script) : null;
  if (script) scriptDir = path.dirname(path.resolve(args.script));
  const { cam, err } = await bootCamera(flash, typeof args.frames === "string" ? args.frames : null,
    args["max-frames"] ? Number(args["max-frames"]) : 0, script);
  const summary = { event: "exit", frames: cam.stats.frames, inferences: cam.stats.inferences,
    flashWrites: fsStats.mutations };
  if (err && err.type !== "SystemExit") {
    summary.error = err.type;
    summary.message = err.message;
    emit(summary);
    console.error(err.message);
    process.exit(3);
  }
  emit(summary);
  process.exit(0);
}

// Figures: the firmware's main loop on N frames (no broker: decisions wait in the offline buffer), MicroPython
// heap allocated per frame, and the memory budget table of the shipped model computed by maskgate_model.
async function runFigures() {
  const frames = typeof args.frames === "string" ? args.frames : path.join(dataDir, "observations");
  const n = args["max-frames"] ? Number(args["max-frames"]) : 200;
  const flash = fs.mkdtempSync(path.join(os.tmpdir(), "maskgate-figures-"));
  for (const f of fs.readdirSync(firmwareDir)) {
    if (f.endsWith(".py") || f === "model.json" || f === "finder.json") fs.copyFileSync(path.join(firmwareDir, f), path.join(flash, f));
  }
  fs.copyFileSync(path.join(repoDir, "models", "maskgate-tiny-v1", "model.tflite"), path.join(flash, "model.tflite"));
  fs.copyFileSync(path.join(repoDir, "models", "maskgate-finder-v3", "model.tflite"), path.join(flash, "finder.tflite"));
  const cfg = JSON.parse(fs.readFileSync(path.join(firmwareDir, "config.example.json"), "utf8"));
  Object.assign(cfg, { unit_id: "figures-unit", door_id: "figures-door", key: "A".repeat(43), wifi_ssid: "emulated",
    broker_host: "127.0.0.1", broker_port: 9, repeat_ms: 0 });
  fs.writeFileSync(path.join(flash, "config.json"), JSON.stringify(cfg));
  const heap = [];
  listeners.push((e) => { if (e.event === "heap") heap.push(e.allocated); });
  args.quiet = true;
  const { cam, err } = await bootCamera(flash, frames, n);
  if (err && err.type !== "SystemExit") { console.error(err.message); process.exit(3); }
  const sorted = [...heap].sort((a, b) => a - b);
  const q = (p) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
  console.log(`MicroPython ${"1.27.0"} heap allocated per frame by the firmware's main loop (${cam.stats.frames} frames from ${frames}, `
    + `no broker, every decision buffered): median ${q(0.5)} B, p95 ${q(0.95)} B, max ${sorted[sorted.length - 1]} B`);
  // Live heap (a collection between scripts frees garbage here): the firmware's modules once imported, and a
  // full offline buffer of encoded decisions.
  const mp2 = await boot(null);
  const live = () => { py(mp2, "import gc\ngc.collect()\n_live = gc.mem_alloc()"); return mp2.globals.get("_live"); };
  py(mp2, `
import sys
mount(${JSON.stringify(path.join(testsDir, "emul"))}, "/emul", True)
mount(${JSON.stringify(flash)}, "/flash")
sys.path[:] = ["/flash", "/emul"]
import json, gc
`);
  const base = live();
  const e1 = py(mp2, "import maskgate_protocol, maskgate_unit, maskgate_model");
  const modules = live() - base;
  const e2 = py(mp2, `
_buf = maskgate_unit.OfflineBuffer(${cfg.buffer_capacity})
_key = maskgate_protocol.parse_key("${"A".repeat(43)}")
for i in range(${cfg.buffer_capacity}):
    m = maskgate_protocol.decision("figures-unit", "figures-door", 1000000 + i, 1796000000000 + i, "MASK", 987, "maskgate-tiny-v1", _key)
    _buf.add(maskgate_protocol.topic_decision("figures-unit"), maskgate_protocol.encode_decision(m))
`);
  const buffer = live() - base - modules;
  if (e1 || e2) { console.error((e1 || e2).message); process.exit(3); }
  console.log(`MicroPython live heap: maskgate_protocol + maskgate_unit + maskgate_model imported ${modules} B; `
    + `a full offline buffer of ${cfg.buffer_capacity} decisions ${buffer} B (${Math.round(buffer / cfg.buffer_capacity)} B each)`);
  // (a second MicroPython instance takes over the module's globals: the table runs in it)
  const table = py(mp2, `
import maskgate_model as mm
m = json.loads(open("/flash/model.json").read())
print("| item (%s on OPENMV_H7) | bytes | limit | fits |" % m["version"])
print("|---|---:|---:|---|")
for item, used, limit in mm.budget("OPENMV_H7", m["bytes"], m["arenaBytes"], ${cfg.buffer_capacity}):
    print("| %s | %d | %d | %s |" % (item, used, limit, "yes" if used <= limit else "NO"))
`);
  if (table) { console.error(table.message); process.exit(3); }
  // One OTA install through the firmware's OtaClient (scenarios/ota_figures.py): heap per step, verify time.
  let ota = null;
  listeners.push((e) => { if (e.event === "ota-figures") ota = e; });
  scriptDir = path.join(testsDir, "scenarios");
  const r3 = await bootCamera(flash, frames, 1, "/emul-script/ota_figures.py");
  if (r3.err || !ota) { console.error(r3.err ? r3.err.message : "no OTA figures"); process.exit(3); }
  const chunks = [...ota.steps.chunk].sort((a, b) => a - b);
  const us = ota.verifyUs;
  console.log(`OTA install of the ${ota.bytes}-byte model in ${ota.fetches} fetches (reports ${ota.states.join(" ")}), `
    + `MicroPython heap allocated per step: command (HMAC, Ed25519 manifest, budget, slot) ${ota.steps.command} B; `
    + `each 4 KB chunk median ${chunks[Math.floor(chunks.length / 2)]} B, max ${chunks[chunks.length - 1]} B; `
    + `verify (SHA-256 read back in 4 KB) ${ota.steps.verify} B; activate + ${ota.selfTests} self-tests ${ota.steps.activate} B`);
  console.log(`Ed25519 manifest verify (pure Python, MicroPython 1.27 WebAssembly on this host, incl. SHA-512): `
    + `median ${(us[2] / 1000).toFixed(1)} ms, min ${(us[0] / 1000).toFixed(1)} ms, max ${(us[4] / 1000).toFixed(1)} ms (5 runs); heap allocated by one verify ${ota.verifyAlloc} B (short-lived integers: garbage, not live)`);
  fs.rmSync(flash, { recursive: true, force: true });
  process.exit(0);
}

if (args.mode === "test") await runTests();
else if (args.mode === "run") await runCamera();
else if (args.mode === "figures") await runFigures();
else {
  console.error("usage: run.mjs test [--only NAME] | run --flash DIR --frames DIR|LIST [--fps N] [--max-frames N] [--ml-log FILE]");
  process.exit(2);
}
