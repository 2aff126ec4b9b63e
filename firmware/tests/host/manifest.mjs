#!/usr/bin/env node
// Writes a model manifest (model.json) for the firmware: version, byte size, SHA-256 and the TFLM tensor arena
// the model needs, measured with ../shared/tools/tflm-ref (the larger of its reference and CMSIS-NN kernels;
// the camera runs CMSIS-NN).
//   node host/manifest.mjs MODEL.tflite VERSION > model.json
import fs from "node:fs";
import path from "node:path";
import crypto from "node:crypto";
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const repoDir = path.resolve(here, "..", "..", "..");
const dataDir = process.env.MASKGATE_DATA || path.resolve(repoDir, "..", "shared", "datasets");
const tflmRef = process.env.TFLM_REF || path.resolve(dataDir, "..", "tools", "tflm-ref", "tflm-ref");
const [model, version] = process.argv.slice(2);
if (!model || !version) {
  console.error("usage: manifest.mjs MODEL.tflite VERSION");
  process.exit(2);
}
const bytes = fs.readFileSync(model);
const arena = (kernels) => JSON.parse(execFileSync(tflmRef, ["--kernels", kernels, "--info", model], { encoding: "utf8" })
  .trim().split("\n").pop());
const ref = arena("reference");
const cmsis = arena("cmsis-nn");
process.stdout.write(JSON.stringify({
  version,
  bytes: bytes.length,
  sha256: crypto.createHash("sha256").update(bytes).digest("hex"),
  arenaBytes: Math.max(ref.arena_used_bytes, cmsis.arena_used_bytes),
  input: ref.inputs[0].shape,
  outputs: ref.outputs.map((o) => o.shape),
}) + "\n");
