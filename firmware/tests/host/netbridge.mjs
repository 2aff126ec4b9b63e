// TCP sockets for the emulated camera, run in a worker thread. MicroPython (WebAssembly) calls the host
// synchronously, so the main thread posts a request here and blocks on Atomics.wait until the reply is written
// into the shared buffer. Only the loopback addresses the tests use are reachable (the host refuses others).
import { parentPort, workerData } from "node:worker_threads";
import net from "node:net";

const control = new Int32Array(workerData.shared, 0, 2); // [state (0 idle, 1 reply ready), reply length]
const reply = new Uint8Array(workerData.shared, 8);
const sockets = new Map();
let nextId = 1;

function answer(obj) {
  const bytes = Buffer.from(JSON.stringify(obj), "utf8");
  if (bytes.length > reply.length) {
    obj = { error: "EIO", detail: "reply too large" };
    return answer(obj);
  }
  reply.set(bytes, 0);
  Atomics.store(control, 1, bytes.length);
  Atomics.store(control, 0, 1);
  Atomics.notify(control, 0);
}

function code(err) {
  return (err && err.code) || "EIO";
}

function tryRecv(s, req) {
  if (s.chunks.length > 0) {
    const all = Buffer.concat(s.chunks);
    const out = all.subarray(0, req.max);
    s.chunks = all.length > req.max ? [all.subarray(req.max)] : [];
    answer({ data: out.toString("hex") });
    return true;
  }
  if (s.error) {
    answer({ error: s.error });
    return true;
  }
  if (s.ended) {
    answer({ data: "" }); // EOF
    return true;
  }
  return false;
}

parentPort.on("message", (req) => {
  if (req.op === "connect") {
    const id = nextId++;
    const s = { sock: null, chunks: [], ended: false, error: null, waiter: null };
    let settled = false;
    const timer = setTimeout(() => {
      if (!settled) {
        settled = true;
        s.sock.destroy();
        answer({ error: "ETIMEDOUT" });
      }
    }, req.timeoutMs);
    s.sock = net.connect({ host: req.host, port: req.port }, () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      s.sock.setNoDelay(true);
      sockets.set(id, s);
      answer({ id });
    });
    s.sock.on("data", (d) => {
      s.chunks.push(d);
      if (s.waiter) { const w = s.waiter; if (tryRecv(s, w.req)) { clearTimeout(w.timer); s.waiter = null; } }
    });
    const finish = (err) => {
      if (err) s.error = code(err); else s.ended = true;
      if (!settled) { settled = true; clearTimeout(timer); answer({ error: code(err) || "ECONNREFUSED" }); return; }
      if (s.waiter) { const w = s.waiter; s.waiter = null; clearTimeout(w.timer); tryRecv(s, w.req); }
    };
    s.sock.on("error", (err) => finish(err));
    s.sock.on("close", () => finish(null));
    return;
  }
  const s = sockets.get(req.id);
  if (!s) { answer({ error: "EBADF" }); return; }
  if (req.op === "send") {
    if (s.error || s.ended || s.sock.destroyed) { answer({ error: s.error || "ECONNRESET" }); return; }
    s.sock.write(Buffer.from(req.data, "hex"), (err) => answer(err ? { error: code(err) } : { sent: req.data.length / 2 }));
    return;
  }
  if (req.op === "recv") {
    if (tryRecv(s, req)) return;
    const timer = setTimeout(() => { s.waiter = null; answer({ error: "ETIMEDOUT" }); }, req.timeoutMs);
    s.waiter = { req, timer };
    return;
  }
  if (req.op === "close") {
    s.sock.destroy();
    sockets.delete(req.id);
    answer({ ok: true });
    return;
  }
  answer({ error: "EINVAL" });
});
