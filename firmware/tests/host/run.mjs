#!/usr/bin/env node
// Runs MaskGate's OpenMV firmware under real MicroPython (the WebAssembly build of MicroPython 1.27, pinned in
// ../package.json) with emulated OpenMV modules (../emul): the firmware files are loaded unchanged from a
// folder mounted as the camera's flash.
//
//   node host/run.mjs test [--only NAME]          the MicroPython tests in ../mpy (vectors, unit logic, imports)
//   node host/run.mjs run --flash DIR --frames F  boot the camera: DIR holds main.py, the firmware modules,
//        [--fps N] [--max-frames N] [--ml-log FILE] config.json and the model, as copied to a real camera
//
// Emulator events (MQTT acknowledgements, heap per frame, summary) are printed as lines "EMUL {json}".
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

function emit(event) {
  process.stdout.write("EMUL " + JSON.stringify(event) + "\n");
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

async function boot(cam) {
  const out = [];
  const mp = await loadMicroPython({
    stdout: (line) => process.stdout.write(line + "\n"),
    stderr: (line) => process.stderr.write(line + "\n"),
  });
  mp.registerJsModule("_host", {
    ...hostFs(),
    ...net,
    ...(cam ? cam.fns : {}),
    emit: (json) => { process.stdout.write("EMUL " + json + "\n"); return 0; },
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

async function runCamera() {
  if (typeof args.flash !== "string") throw new Error("run needs --flash DIR");
  const flash = path.resolve(args.flash);
  const cam = camera({
    frames: typeof args.frames === "string" ? args.frames : null,
    dataDir, tflmRef,
    fps: args.fps ? Number(args.fps) : 0,
    maxFrames: args["max-frames"] ? Number(args["max-frames"]) : 0,
    mlLog: typeof args["ml-log"] === "string" ? path.resolve(args["ml-log"]) : null,
  });
  const mp = await boot(cam);
  emit({ event: "boot", flash, micropython: "1.27.0" });
  const err = py(mp, `
import sys, os
mount(${JSON.stringify(path.join(testsDir, "emul"))}, "/emul", True)
mount(${JSON.stringify(flash)}, "/flash")
os.chdir("/flash")
FIRMWARE_MODULES.update(${JSON.stringify(firmwareModules(flash))})
sys.path[:] = ["", "/flash/lib", "/emul"]
import main
`);
  cam.cleanup();
  const summary = { event: "exit", frames: cam.stats.frames, inferences: cam.stats.inferences };
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

if (args.mode === "test") await runTests();
else if (args.mode === "run") await runCamera();
else {
  console.error("usage: run.mjs test [--only NAME] | run --flash DIR --frames DIR|LIST [--fps N] [--max-frames N] [--ml-log FILE]");
  process.exit(2);
}
