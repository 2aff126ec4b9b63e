// Synchronous host-folder file operations behind the emulated flash (emul/_boot.py HostFS). Bytes cross the
// JavaScript/MicroPython boundary as hex strings; errors come back as negative errno numbers, never as
// exceptions (a JavaScript exception would abort the whole MicroPython run instead of raising OSError).
import fs from "node:fs";
import path from "node:path";

const ERRNO = { ENOENT: 2, EIO: 5, EBADF: 9, EACCES: 13, EEXIST: 17, ENOTDIR: 20, EISDIR: 21, EINVAL: 22,
  ENOSPC: 28, EROFS: 30, ENOTEMPTY: 39 };
const errno = (e) => -(ERRNO[e && e.code] || 5);

// powerCutAfter: the process is killed (SIGKILL, no cleanup) just before the n-th operation that changes the
// flash (open for writing, write, remove, rename, mkdir, rmdir): a power cut at that step.
// cutOn: { pattern: RegExp, skip: n }: the same, just before the (n+1)-th change whose description ("open PATH
// MODE", "write N bytes to PATH", "rename A B", "remove PATH", ...) matches pattern: a cut at a named step.
export function hostFs(powerCutAfter = 0, stats = { mutations: 0 }, cutOn = null) {
  const files = new Map();
  const names = new Map();
  let nextFd = 3;
  let matches = 0;
  const mutate = (what) => {
    stats.mutations++;
    const named = cutOn !== null && cutOn.pattern.test(what) && matches++ >= cutOn.skip;
    if ((powerCutAfter > 0 && stats.mutations >= powerCutAfter) || named) {
      process.stdout.write(`EMUL {"event":"power-cut","step":${stats.mutations},"before":${JSON.stringify(what)}}\n`);
      process.kill(process.pid, "SIGKILL");
    }
  };
  const resolve = (root, rel) => {
    const full = path.resolve(root, rel || ".");
    const base = path.resolve(root);
    if (full !== base && !full.startsWith(base + path.sep)) throw Object.assign(new Error("outside"), { code: "EACCES" });
    return full;
  };
  const guard = (f) => (...a) => { try { return f(...a); } catch (e) { return errno(e); } };
  return {
    fs_stat: (root, rel) => {
      try {
        const st = fs.statSync(resolve(root, rel));
        return [st.isDirectory(), st.size, Math.floor(st.mtimeMs / 1000)];
      } catch (e) { return null; }
    },
    fs_list: (root, rel) => {
      try {
        return fs.readdirSync(resolve(root, rel), { withFileTypes: true }).map((d) => {
          const st = fs.statSync(path.join(resolve(root, rel), d.name));
          return [d.name, st.isDirectory(), st.isDirectory() ? 0 : st.size];
        });
      } catch (e) { return null; }
    },
    fs_open: guard((root, rel, mode) => {
      if (/[wa+]/.test(mode)) mutate("open " + rel + " " + mode);
      let flags = "r";
      if (mode.includes("w")) flags = mode.includes("+") ? "w+" : "w";
      else if (mode.includes("a")) flags = mode.includes("+") ? "a+" : "a";
      else if (mode.includes("+")) flags = "r+";
      const full = resolve(root, rel);
      if (fs.existsSync(full) && fs.statSync(full).isDirectory()) return -ERRNO.EISDIR;
      const fd = fs.openSync(full, flags);
      const id = nextFd++;
      files.set(id, fd);
      names.set(id, rel);
      return id;
    }),
    fs_size: (id) => { try { return fs.fstatSync(files.get(id)).size; } catch (e) { return 0; } },
    fs_pread: (id, pos, n) => {
      try {
        const buf = Buffer.alloc(n);
        const got = fs.readSync(files.get(id), buf, 0, n, pos);
        return buf.subarray(0, got).toString("hex");
      } catch (e) { return ""; }
    },
    fs_pwrite: guard((id, pos, hex) => {
      mutate("write " + hex.length / 2 + " bytes to " + names.get(id));
      const buf = Buffer.from(hex, "hex");
      return fs.writeSync(files.get(id), buf, 0, buf.length, pos);
    }),
    fs_fsync: guard((id) => { fs.fsyncSync(files.get(id)); return 0; }),
    fs_close: guard((id) => { const fd = files.get(id); files.delete(id); if (fd !== undefined) fs.closeSync(fd); return 0; }),
    fs_mkdir: guard((root, rel) => { mutate("mkdir " + rel); fs.mkdirSync(resolve(root, rel)); return 0; }),
    fs_rmdir: guard((root, rel) => { mutate("rmdir " + rel); fs.rmdirSync(resolve(root, rel)); return 0; }),
    fs_remove: guard((root, rel) => { mutate("remove " + rel); fs.unlinkSync(resolve(root, rel)); return 0; }),
    fs_rename: guard((root, a, b, fat) => {
      mutate("rename " + a + " " + b);
      const to = resolve(root, b);
      if (fat && fs.existsSync(to)) return -ERRNO.EEXIST; // FatFs refuses to rename onto an existing file
      fs.renameSync(resolve(root, a), to);
      return 0;
    }),
  };
}
