"""Ed25519 signature verification (RFC 8032, section 5.1.7), verify only, in pure Python for MicroPython.

Why here: the OpenMV firmware has hashlib.sha256 but neither Ed25519 nor SHA-512, and a model manifest must be
checked against the fleet's public key before a downloaded model is activated (the unit HMAC key cannot vouch
for a model: the service holds it too). Big integers do the field arithmetic; SHA-512 (FIPS 180-4) is
implemented below because Ed25519 hashes with it. Not constant time: it only ever handles public data.
"""

_P = (1 << 255) - 19
_L = (1 << 252) + 27742317777372353535851937790883648493
_M64 = (1 << 64) - 1


def _pow(b, e, m):
    """b**e mod m by square and multiply (pow with three arguments is optional in MicroPython builds)."""
    r = 1
    b %= m
    while e:
        if e & 1:
            r = r * b % m
        e >>= 1
        b = b * b % m
    return r


def _inv(x):
    return _pow(x, _P - 2, _P)


_D = -121665 * _inv(121666) % _P
_D2 = 2 * _D % _P
_SQRT_M1 = _pow(2, (_P - 1) // 4, _P)

# ------------------------------------------------------------------ SHA-512 (FIPS 180-4)

_K = None
_H0 = None


def _iroot(n, k):
    """floor(n ** (1/k)) by Newton's method on integers."""
    x = 1
    while x ** k <= n:  # a start above the root (MicroPython's int has no bit_length)
        x <<= 1
    while True:
        y = ((k - 1) * x + n // x ** (k - 1)) // k
        if y >= x:
            return x
        x = y


def _constants():
    """The round constants and initial hash: the first 64 fraction bits of the cube roots of the first 80
    primes and of the square roots of the first 8 (FIPS 180-4, 4.2.3 and 5.3.5), computed once."""
    global _K, _H0
    if _K is None:
        primes = []
        c = 2
        while len(primes) < 80:
            for q in primes:
                if c % q == 0:
                    break
            else:
                primes.append(c)
            c += 1
        _K = [_iroot(p << 192, 3) & _M64 for p in primes]
        _H0 = [_iroot(p << 128, 2) & _M64 for p in primes[:8]]
    return _K, _H0


def _rotr(x, n):
    return ((x >> n) | (x << (64 - n))) & _M64


def sha512(data):
    """SHA-512 digest (64 bytes) of data."""
    k, h0 = _constants()
    h = list(h0)
    n = len(data)
    data = bytes(data) + b"\x80" + b"\x00" * ((111 - n) % 128) + (n * 8).to_bytes(16, "big")
    w = [0] * 80
    for block in range(0, len(data), 128):
        for t in range(16):
            w[t] = int.from_bytes(data[block + 8 * t:block + 8 * t + 8], "big")
        for t in range(16, 80):
            x = w[t - 15]
            y = w[t - 2]
            s0 = _rotr(x, 1) ^ _rotr(x, 8) ^ (x >> 7)
            s1 = _rotr(y, 19) ^ _rotr(y, 61) ^ (y >> 6)
            w[t] = (w[t - 16] + s0 + w[t - 7] + s1) & _M64
        a, b, c, d, e, f, g, hh = h
        for t in range(80):
            t1 = (hh + (_rotr(e, 14) ^ _rotr(e, 18) ^ _rotr(e, 41)) + ((e & f) ^ (~e & g)) + k[t] + w[t]) & _M64
            t2 = ((_rotr(a, 28) ^ _rotr(a, 34) ^ _rotr(a, 39)) + ((a & b) ^ (a & c) ^ (b & c))) & _M64
            hh = g
            g = f
            f = e
            e = (d + t1) & _M64
            d = c
            c = b
            b = a
            a = (t1 + t2) & _M64
        h = [(x + y) & _M64 for x, y in zip(h, (a, b, c, d, e, f, g, hh))]
    return b"".join(x.to_bytes(8, "big") for x in h)


# ------------------------------------------------------------------ edwards25519 (RFC 8032, 5.1)

def _add(p, q):
    """Point addition in extended coordinates (X, Y, Z, T), x = X/Z, y = Y/Z, x*y = T/Z (RFC 8032, 5.1.4)."""
    x1, y1, z1, t1 = p
    x2, y2, z2, t2 = q
    a = (y1 - x1) * (y2 - x2) % _P
    b = (y1 + x1) * (y2 + x2) % _P
    c = t1 * _D2 % _P * t2 % _P
    d = 2 * z1 * z2 % _P
    e = b - a
    f = d - c
    g = d + c
    h = b + a
    return (e * f % _P, g * h % _P, f * g % _P, e * h % _P)


def _double(p):
    x1, y1, z1, _ = p
    a = x1 * x1 % _P
    b = y1 * y1 % _P
    c = 2 * z1 * z1 % _P
    h = a + b
    e = h - (x1 + y1) * (x1 + y1) % _P
    g = a - b
    f = c + g
    return (e * f % _P, g * h % _P, f * g % _P, e * h % _P)


def _decode_point(s):
    """The point of a 32-byte encoding, or None when it is not one (RFC 8032, 5.1.3)."""
    if len(s) != 32:
        return None
    y = int.from_bytes(s, "little")
    sign = y >> 255
    y &= (1 << 255) - 1
    if y >= _P:
        return None
    yy = y * y % _P
    u = (yy - 1) % _P
    v = (_D * yy + 1) % _P
    # x = u/v ** ((p+3)/8) computed as u * v^3 * (u * v^7) ** ((p-5)/8)
    v3 = v * v % _P * v % _P
    x = u * v3 % _P * _pow(u * v3 % _P * v3 % _P * v % _P, (_P - 5) // 8, _P) % _P
    vxx = v * x % _P * x % _P
    if vxx != u:
        if vxx != (-u) % _P:
            return None
        x = x * _SQRT_M1 % _P
    if x == 0 and sign:
        return None
    if x & 1 != sign:
        x = _P - x
    return (x, y, 1, x * y % _P)


def _encode_point(p):
    x, y, z, _ = p
    zi = _inv(z)
    x = x * zi % _P
    y = y * zi % _P
    return (y | ((x & 1) << 255)).to_bytes(32, "little")


_BY = 4 * _inv(5) % _P
_B = None


def _base():
    global _B
    if _B is None:
        _B = _decode_point(_BY.to_bytes(32, "little"))  # x is even (positive): sign bit 0
    return _B


def verify(public_key, message, signature):
    """True when signature (64 bytes) is a valid Ed25519 signature of message (bytes) under public_key (32
    bytes): [S]B == R + [k]A with k = SHA-512(R || A || M) mod L, checked as the encoding of [S]B - [k]A being
    R's. False (never an exception) for malformed keys or signatures."""
    if len(public_key) != 32 or len(signature) != 64:
        return False
    a = _decode_point(bytes(public_key))
    if a is None:
        return False
    r_bytes = bytes(signature[:32])
    s = int.from_bytes(signature[32:], "little")
    if s >= _L:
        return False
    k = int.from_bytes(sha512(r_bytes + bytes(public_key) + bytes(message)), "little") % _L
    neg_a = ((_P - a[0]) % _P, a[1], 1, (_P - a[3]) % _P)
    b = _base()
    both = _add(b, neg_a)
    q = (0, 1, 1, 0)
    for i in range(255, -1, -1):  # Straus: [s]B + [k](-A) in one pass of doublings
        q = _double(q)
        sb = (s >> i) & 1
        kb = (k >> i) & 1
        if sb and kb:
            q = _add(q, both)
        elif sb:
            q = _add(q, b)
        elif kb:
            q = _add(q, neg_a)
    return _encode_point(q) == r_bytes
