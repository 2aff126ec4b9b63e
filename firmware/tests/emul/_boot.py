# Emulator boot (run by host/run.mjs before anything else; not firmware). Mounts host folders into MicroPython's
# VFS and installs the import guard that keeps the firmware to the modules an OpenMV camera has.
import builtins
import io
import sys
import vfs

import _host
from binascii import hexlify, unhexlify

_S_IFDIR = 0x4000
_S_IFREG = 0x8000


def _err(code):
    return OSError(-code if code < 0 else code)


class HostFile(io.IOBase):
    """A file on a host folder; every write goes straight to the host file (like flash without a cache), so a
    process killed after a write leaves exactly the bytes written before the kill."""

    def __init__(self, fd, text, pos):
        self.fd = fd
        self.text = text
        self.pos = pos
        self.closed = False

    def readinto(self, buf):
        want = len(buf)
        data = unhexlify(_host.fs_pread(self.fd, self.pos, want))
        n = len(data)
        buf[:n] = data
        self.pos += n
        return n

    def read(self, n=-1):
        if n is None or n < 0:
            n = _host.fs_size(self.fd) - self.pos
            if n < 0:
                n = 0
        data = unhexlify(_host.fs_pread(self.fd, self.pos, n))
        self.pos += len(data)
        return data.decode("utf-8") if self.text else data

    def readline(self):
        out = bytearray()
        while True:
            ch = unhexlify(_host.fs_pread(self.fd, self.pos, 1))
            if not ch:
                break
            self.pos += 1
            out += ch
            if ch == b"\n":
                break
        return out.decode("utf-8") if self.text else bytes(out)

    def write(self, data):
        if isinstance(data, str):
            data = data.encode("utf-8")
        n = _host.fs_pwrite(self.fd, self.pos, hexlify(data).decode())
        if n < 0:
            raise _err(n)
        self.pos += n
        return n

    def seek(self, offset, whence=0):
        if whence == 0:
            self.pos = offset
        elif whence == 1:
            self.pos += offset
        else:
            self.pos = _host.fs_size(self.fd) + offset
        return self.pos

    def tell(self):
        return self.pos

    def flush(self):
        _host.fs_fsync(self.fd)

    def ioctl(self, req, arg):
        if req == 4:  # MP_STREAM_CLOSE
            self.close()
        return 0

    def close(self):
        if not self.closed:
            self.closed = True
            _host.fs_close(self.fd)

    def __enter__(self):
        return self

    def __exit__(self, *a):
        self.close()

    def __iter__(self):
        while True:
            line = self.readline()
            if not line:
                return
            yield line


class HostFS:
    """MicroPython user VFS over a host folder. With fat=True, rename onto an existing file fails like FatFs
    (the OpenMV flash and SD card are FAT)."""

    def __init__(self, root, readonly=False, fat=True):
        self.root = root
        self.readonly = readonly
        self.fat = fat
        self.cwd = ""

    def _path(self, p):
        if not p.startswith("/"):
            p = self.cwd + "/" + p if self.cwd else p
        parts = []
        for part in p.split("/"):
            if part in ("", "."):
                continue
            if part == "..":
                if parts:
                    parts.pop()
                continue
            parts.append(part)
        return "/".join(parts)

    def _check_rw(self):
        if self.readonly:
            raise OSError(30)  # EROFS

    def mount(self, readonly, mkfs):
        pass

    def umount(self):
        pass

    def stat(self, p):
        st = _host.fs_stat(self.root, self._path(p))
        if st is None:
            raise OSError(2)
        mode = _S_IFDIR if st[0] else _S_IFREG
        return (mode, 0, 0, 0, 0, 0, st[1], st[2], st[2], st[2])

    def statvfs(self, p):
        return (4096, 4096, 4096, 1024, 1024, 0, 0, 0, 0, 255)

    def ilistdir(self, p):
        names = _host.fs_list(self.root, self._path(p))
        if names is None:
            raise OSError(2)
        out = []
        for i in range(names.length):
            e = names[i]
            out.append((e[0], _S_IFDIR if e[1] else _S_IFREG, 0, e[2]))
        return iter(out)

    def chdir(self, p):
        path = self._path(p)
        st = _host.fs_stat(self.root, path)
        if st is None or not st[0]:
            raise OSError(2)
        self.cwd = path

    def getcwd(self):
        return "/" + self.cwd if self.cwd else ""

    def mkdir(self, p):
        self._check_rw()
        r = _host.fs_mkdir(self.root, self._path(p))
        if r < 0:
            raise _err(r)

    def rmdir(self, p):
        self._check_rw()
        r = _host.fs_rmdir(self.root, self._path(p))
        if r < 0:
            raise _err(r)

    def remove(self, p):
        self._check_rw()
        r = _host.fs_remove(self.root, self._path(p))
        if r < 0:
            raise _err(r)

    def rename(self, a, b):
        self._check_rw()
        r = _host.fs_rename(self.root, self._path(a), self._path(b), self.fat)
        if r < 0:
            raise _err(r)

    def open(self, p, mode):
        if ("w" in mode or "a" in mode or "+" in mode):
            self._check_rw()
        fd = _host.fs_open(self.root, self._path(p), mode)
        if fd < 0:
            raise _err(fd)
        pos = _host.fs_size(fd) if "a" in mode else 0
        return HostFile(fd, "b" not in mode, pos)


# Modules an OpenMV Cam (firmware 4.5+, H7 / H7 Plus) provides to a script: MicroPython's built-ins of the stm32
# port plus OpenMV's own. The WebAssembly build has more (frozen micropython-lib: hmac, base64, unittest, logging,
# os.path ...): a firmware module that imports one of those must fail here as it would on the camera.
OPENMV_MODULES = {
    "array", "binascii", "builtins", "cmath", "collections", "errno", "gc", "hashlib", "heapq", "io", "json",
    "math", "micropython", "os", "random", "re", "select", "socket", "ssl", "struct", "sys", "time", "uctypes",
    "zlib", "deflate", "vfs", "machine", "pyb", "network", "ntptime", "mqtt", "sensor", "image", "ml", "tf",
    "ulab", "display", "fir", "tv", "mjpeg", "gif", "omv", "audio", "framebuf", "asyncio", "requests",
    "ubinascii", "uhashlib", "ujson", "uos", "utime", "ustruct", "ucollections", "uerrno", "uio", "urandom",
    "ure", "uselect", "usocket", "ussl", "uzlib",
}
FIRMWARE_MODULES = set()
_real_import = builtins.__import__
refused_imports = []


def _guarded_import(name, globals=None, locals=None, fromlist=(), level=0):
    importer = globals.get("__name__") if globals else None
    if importer in FIRMWARE_MODULES and level == 0:
        top = name.split(".")[0]
        if top not in OPENMV_MODULES and top not in FIRMWARE_MODULES:
            refused_imports.append((importer, name))
            raise ImportError("no module named '%s' on an OpenMV camera (imported by %s)" % (name, importer))
    return _real_import(name, globals, locals, fromlist, level)


builtins.__import__ = _guarded_import


def mount(root, point, readonly=False):
    vfs.mount(HostFS(root, readonly), point)
