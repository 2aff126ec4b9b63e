// Host side of the emulated camera: frames from a folder of images, the image operations the firmware uses,
// the Haar stand-in (annotated face boxes), and the ml module's inference through TensorFlow Lite Micro
// (../shared/tools/tflm-ref, the arithmetic the camera runs). Called synchronously from emul/*.py.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import crypto from "node:crypto";
import { execFileSync } from "node:child_process";
import jpeg from "jpeg-js";

export function listFrames(spec) {
  const st = fs.statSync(spec);
  let files;
  if (st.isDirectory()) {
    files = [];
    const walk = (d) => {
      for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
        const p = path.join(d, e.name);
        if (e.isDirectory()) walk(p); else if (/\.(jpe?g|ppm)$/i.test(e.name)) files.push(p);
      }
    };
    walk(spec);
  } else {
    const base = path.dirname(path.resolve(spec));
    files = fs.readFileSync(spec, "utf8").split(/\r?\n/).map((l) => l.trim()).filter((l) => l && !l.startsWith("#"))
      .map((l) => path.resolve(base, l));
  }
  if (files.length === 0) throw new Error("no frames (.jpg/.ppm) in " + spec);
  return files;
}

function decode(file) {
  const bytes = fs.readFileSync(file);
  if (/\.ppm$/i.test(file)) {
    const header = bytes.subarray(0, 64).toString("latin1").split(/\s+/);
    if (header[0] !== "P6") throw new Error("only binary PPM (P6): " + file);
    const w = +header[1], h = +header[2];
    const rgb = new Uint8Array(bytes.subarray(bytes.length - w * h * 3));
    return { w, h, rgb };
  }
  const img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: false });
  return { w: img.width, h: img.height, rgb: new Uint8Array(img.data) };
}

function loadBoxes(dataDir) {
  const csv = path.join(dataDir, "ilc-2021-scenes", "boxes.csv");
  const boxes = new Map();
  if (!fs.existsSync(csv)) return boxes;
  const lines = fs.readFileSync(csv, "utf8").split(/\r?\n/);
  for (const line of lines.slice(1)) {
    if (!line) continue;
    const f = line.split(",");
    const key = path.join("ilc-2021-scenes", f[1]);
    const b = [Math.floor(+f[3]), Math.floor(+f[4]), Math.ceil(+f[5]) - Math.floor(+f[3]), Math.ceil(+f[6]) - Math.floor(+f[4])];
    if (!boxes.has(key)) boxes.set(key, []);
    boxes.get(key).push(b);
  }
  return boxes;
}

export function camera(opts) {
  const frames = opts.frames ? listFrames(opts.frames) : [];
  const dataDir = path.resolve(opts.dataDir);
  let boxes = null;
  const images = new Map(); // handle -> {w, h, rgb, key}
  let nextImage = 1;
  let frameIndex = 0;
  let frameHandle = 0;
  let nextFrameAt = 0;
  const decoded = new Map();
  const allocated = new Set(); // image.Image(w, h, fmt): the firmware's own buffers, never reclaimed
  const keep = (img) => {
    const id = nextImage++;
    images.set(id, img);
    for (const old of images.keys()) { // the camera's frame buffer holds a few images, not all of them
      if (images.size - allocated.size <= 16) break;
      if (old !== frameHandle && !allocated.has(old)) images.delete(old);
    }
    return id;
  };
  const models = new Map();
  let nextModel = 1;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "maskgate-emul-"));
  const stats = { frames: 0, inferences: 0 };
  let sinceBoot = 0; // --max-frames counts per boot (a scenario may reboot the camera in one process)

  function snapshot() {
    if (frames.length === 0) return { error: "no frames configured (--frames)" };
    if (opts.maxFrames && sinceBoot >= opts.maxFrames) return { end: true };
    sinceBoot++;
    if (opts.fps > 0) { // pace frames like a sensor at the given frame rate
      const now = Date.now();
      if (nextFrameAt > now) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, nextFrameAt - now);
      nextFrameAt = Math.max(now, nextFrameAt) + 1000 / opts.fps;
    }
    const file = frames[frameIndex % frames.length];
    frameIndex++;
    if (!decoded.has(file)) decoded.set(file, decode(file));
    const f = decoded.get(file);
    const rel = path.relative(dataDir, path.resolve(file));
    if (frameHandle) images.delete(frameHandle); // one frame buffer: the next snapshot overwrites the last
    frameHandle = keep({ w: f.w, h: f.h, rgb: f.rgb, key: rel, file });
    stats.frames++;
    return { id: frameHandle, w: f.w, h: f.h, file: path.basename(file) };
  }

  function findFaces(id) {
    const img = images.get(id);
    if (!img) return null;
    if (boxes === null) boxes = loadBoxes(dataDir);
    const found = img.key ? boxes.get(img.key.replace(/\.ppm$/i, ".jpg")) : undefined;
    if (found) return found.map((b) => clip(b, img));
    return [[0, 0, img.w, img.h]]; // a face crop (no scene boxes): the whole image is the face
  }

  function clip(b, img) {
    const x = Math.max(0, Math.min(img.w - 1, b[0])), y = Math.max(0, Math.min(img.h - 1, b[1]));
    return [x, y, Math.max(1, Math.min(img.w - x, b[2])), Math.max(1, Math.min(img.h - y, b[3]))];
  }

  // Crop roi (x, y, w, h) and scale by (xs, ys) with area averaging (shrinking) or nearest (enlarging).
  function copy(id, roi, xs, ys) {
    const src = images.get(id);
    if (!src) return { error: "image handle is no longer valid" };
    const [rx, ry, rw, rh] = roi ? clip(roi, src) : [0, 0, src.w, src.h];
    const dw = Math.max(1, Math.round(rw * xs)), dh = Math.max(1, Math.round(rh * ys));
    const rgb = area(src.rgb, src.w, rx, ry, rw, rh, dw, dh);
    const out = keep({ w: dw, h: dh, rgb, key: null });
    return { id: out, w: dw, h: dh };
  }

  function newImage(w, h) {
    if (!(w > 0 && h > 0 && w * h <= 640 * 480)) return { error: "bad image size " + w + "x" + h };
    if (allocated.size >= 4) return { error: "out of memory: the firmware allocates at most 4 images" };
    const id = keep({ w, h, rgb: new Uint8Array(w * h * 3), key: null });
    allocated.add(id);
    return { id, w, h };
  }

  function fill(id, rect, color) {
    const img = images.get(id);
    if (!img) return { error: "image handle is no longer valid" };
    const [x, y, w, h] = rect;
    for (let yy = Math.max(0, y); yy < Math.min(img.h, y + h); yy++) {
      for (let xx = Math.max(0, x); xx < Math.min(img.w, x + w); xx++) {
        const o = (yy * img.w + xx) * 3;
        img.rgb[o] = color[0]; img.rgb[o + 1] = color[1]; img.rgb[o + 2] = color[2];
      }
    }
    return {};
  }

  // draw_image: src scaled by (xs, ys) with area averaging, its top-left corner at (x, y), clipped to dst.
  function draw(dstId, srcId, x, y, xs, ys) {
    const dst = images.get(dstId), src = images.get(srcId);
    if (!dst || !src) return { error: "image handle is no longer valid" };
    const dw = Math.max(1, Math.round(src.w * xs)), dh = Math.max(1, Math.round(src.h * ys));
    const rgb = area(src.rgb, src.w, 0, 0, src.w, src.h, dw, dh);
    for (let yy = 0; yy < dh; yy++) {
      const ty = y + yy;
      if (ty < 0 || ty >= dst.h) continue;
      for (let xx = 0; xx < dw; xx++) {
        const tx = x + xx;
        if (tx < 0 || tx >= dst.w) continue;
        const s = (yy * dw + xx) * 3, o = (ty * dst.w + tx) * 3;
        dst.rgb[o] = rgb[s]; dst.rgb[o + 1] = rgb[s + 1]; dst.rgb[o + 2] = rgb[s + 2];
      }
    }
    dst.key = src.key; // the ml log names the frame drawn in (the finder's letterbox)
    return {};
  }

  function area(rgb, stride, rx, ry, rw, rh, dw, dh) {
    const out = new Uint8Array(dw * dh * 3);
    const fx = rw / dw, fy = rh / dh;
    for (let oy = 0; oy < dh; oy++) {
      const y0 = oy * fy, y1 = y0 + fy;
      for (let ox = 0; ox < dw; ox++) {
        const x0 = ox * fx, x1 = x0 + fx;
        const sum = [0, 0, 0];
        let wsum = 0;
        for (let y = Math.floor(y0); y < Math.min(rh, Math.ceil(y1)); y++) {
          const wy = Math.min(y1, y + 1) - Math.max(y0, y);
          if (wy <= 0) continue;
          for (let x = Math.floor(x0); x < Math.min(rw, Math.ceil(x1)); x++) {
            const wx = Math.min(x1, x + 1) - Math.max(x0, x);
            if (wx <= 0) continue;
            const i = ((ry + y) * stride + rx + x) * 3;
            sum[0] += rgb[i] * wx * wy; sum[1] += rgb[i + 1] * wx * wy; sum[2] += rgb[i + 2] * wx * wy;
            wsum += wx * wy;
          }
        }
        const o = (oy * dw + ox) * 3;
        for (let c = 0; c < 3; c++) out[o + c] = Math.max(0, Math.min(255, Math.round(sum[c] / wsum)));
      }
    }
    return out;
  }

  // The camera runs TFLM with CMSIS-NN kernels. tflm-ref's launcher hashes its sources on every call to pick
  // its prebuilt binary; the emulator checks that once and then calls the binary directly.
  let tflmBin = null;
  function tflm(args) {
    if (tflmBin === null) {
      tflmBin = opts.tflmRef;
      try {
        const stamp = execFileSync(opts.tflmRef, ["--stamp"], { encoding: "utf8" }).trim();
        const dir = path.dirname(fs.realpathSync(opts.tflmRef));
        const bin = path.join(dir, "bin", "tflm-ref-cmsis-nn");
        if (fs.readFileSync(path.join(dir, "bin", "STAMP"), "utf8").trim() === stamp && fs.existsSync(bin)) tflmBin = bin;
      } catch (e) { /* keep the launcher */ }
    }
    const full = tflmBin === opts.tflmRef ? ["--kernels", "cmsis-nn", ...args] : args;
    return execFileSync(tflmBin, full, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], maxBuffer: 1 << 24 });
  }

  function mlLoad(hex) {
    try {
      const bytes = Buffer.from(hex, "hex");
      const sha = crypto.createHash("sha256").update(bytes).digest("hex");
      const file = path.join(tmp, sha + ".tflite");
      fs.writeFileSync(file, bytes);
      const info = JSON.parse(tflm(["--info", file]).trim().split("\n").pop());
      const id = nextModel++;
      models.set(id, { file, info });
      return { id, info: JSON.stringify(info), sha256: sha };
    } catch (e) {
      return { error: String((e.stderr || e.message || e)).trim().split("\n").pop() };
    }
  }

  // Fills the model's input tensor from an image (resized to the input when its size differs), with the
  // Normalization range [lo, hi]: real = lo + pixel / 255 * (hi - lo), q = round(real / scale) + zero point.
  function mlPredict(modelId, imageId, lo, hi) {
    const m = models.get(modelId);
    const img = images.get(imageId);
    if (!m || !img) return { error: "unknown model or image handle" };
    const input = m.info.inputs[0];
    const [, ih, iw, ic] = input.shape;
    let rgb = img.rgb;
    if (img.w !== iw || img.h !== ih) rgb = area(img.rgb, img.w, 0, 0, img.w, img.h, iw, ih);
    const tensor = Buffer.alloc(ih * iw * ic);
    for (let p = 0, i = 0; p < ih * iw; p++) {
      for (let c = 0; c < ic; c++, i++) {
        const v = ic === 3 ? rgb[p * 3 + c] : Math.round(0.299 * rgb[p * 3] + 0.587 * rgb[p * 3 + 1] + 0.114 * rgb[p * 3 + 2]);
        const real = lo + (v / 255) * (hi - lo);
        const q = Math.round(real / input.scale) + input.zero_point;
        tensor.writeInt8(Math.max(-128, Math.min(127, q)), i);
      }
    }
    const inFile = path.join(tmp, "input.bin");
    fs.writeFileSync(inFile, tensor);
    let outputs;
    try {
      outputs = JSON.parse(tflm([m.file, inFile]).trim().split("\n").pop()).outputs;
    } catch (e) {
      return { error: String((e.stderr || e.message || e)).trim().split("\n").pop() };
    }
    stats.inferences++;
    if (opts.mlLog) {
      fs.appendFileSync(opts.mlLog, JSON.stringify({ frame: img.key || null, input: tensor.toString("hex"), outputs }) + "\n");
    }
    return { outputs: JSON.stringify(outputs) };
  }

  // A raw int8 input tensor (the manifest self-tests), run like a frame.
  function mlPredictTensor(modelId, hex) {
    const m = models.get(modelId);
    if (!m) return { error: "unknown model handle" };
    const inFile = path.join(tmp, "input.bin");
    fs.writeFileSync(inFile, Buffer.from(hex, "hex"));
    try {
      stats.selfTests = (stats.selfTests || 0) + 1;
      return { outputs: JSON.stringify(JSON.parse(tflm([m.file, inFile]).trim().split("\n").pop()).outputs) };
    } catch (e) {
      return { error: String((e.stderr || e.message || e)).trim().split("\n").pop() };
    }
  }

  return {
    stats,
    cleanup: () => fs.rmSync(tmp, { recursive: true, force: true }),
    fns: {
      cam_snapshot: () => JSON.stringify(snapshot()),
      cam_reboot: () => { sinceBoot = 0; return 0; },
      cam_find_faces: (id) => JSON.stringify(findFaces(id)),
      cam_copy: (id, roiJson, xs, ys) => JSON.stringify(copy(id, JSON.parse(roiJson), xs, ys)),
      cam_new: (w, h) => JSON.stringify(newImage(w, h)),
      cam_fill: (id, rectJson, colorJson) => JSON.stringify(fill(id, JSON.parse(rectJson), JSON.parse(colorJson))),
      cam_draw: (dst, src, x, y, xs, ys) => JSON.stringify(draw(dst, src, x, y, xs, ys)),
      cam_size: (id) => { const i = images.get(id); return i ? JSON.stringify([i.w, i.h]) : "null"; },
      cam_pixel: (id, x, y) => { const i = images.get(id); const o = (y * i.w + x) * 3; return JSON.stringify([i.rgb[o], i.rgb[o + 1], i.rgb[o + 2]]); },
      ml_load: (hex) => JSON.stringify(mlLoad(hex)),
      ml_predict: (m, i, lo, hi) => JSON.stringify(mlPredict(m, i, lo, hi)),
      ml_predict_tensor: (m, hex) => JSON.stringify(mlPredictTensor(m, hex)),
    },
  };
}
