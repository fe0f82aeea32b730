#!/usr/bin/env python3
# Independent known answers for custody's bip340 scheme, computed with Debian's b3sum (BLAKE3), hashlib
# (SHA-256 tagged hashes) and Python `cryptography` (secp256k1 scalar multiplication) only — no keyward code.
# `python3 src/custody/bip340.vectors.py` prints the values pasted into src/custody/bip340.test.ts.
import hashlib
import struct
import subprocess
import tempfile

from cryptography.hazmat.primitives.asymmetric import ec

N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141


def b3(args, data):
    return subprocess.run(["b3sum", "--raw", "--no-names", *args], input=data, capture_output=True, check=True).stdout


def keyed(key, data):
    with tempfile.NamedTemporaryFile() as f:
        f.write(data)
        f.flush()
        return subprocess.run(
            ["b3sum", "--raw", "--no-names", "--keyed", f.name], input=key, capture_output=True, check=True
        ).stdout


def subkey(ctx, ikm, *parts):
    return keyed(b3(["--derive-key", ctx], ikm), b"".join(struct.pack("<I", len(p)) + p for p in parts))


def point(d):
    n = ec.derive_private_key(d, ec.SECP256K1()).public_key().public_numbers()
    return n.x, n.y


def tagged(tag, data):
    t = hashlib.sha256(tag.encode()).digest()
    return hashlib.sha256(t + t + data).digest()


addr = subkey("keyward v1 identity-address", bytes(range(16)), b"email:alice@example.com")
seed = subkey("keyward v1 identity-key", bytes([0x42]) * 32, addr, b"", struct.pack("<I", 0), b"bip340")
d = int.from_bytes(seed, "big")
assert 0 < d < N  # otherwise the derivation would retry with a counter part
x, y = point(d)
print("bip340 x-only", x.to_bytes(32, "big").hex())
# BIP-341 key-path tweak: Q = lift_x(P) + int(TapTweak(P.x))·G, i.e. the key (d or n − d, whichever has even y) + t.
d_even = d if y % 2 == 0 else N - d
t = int.from_bytes(tagged("TapTweak", x.to_bytes(32, "big")), "big")
qx, _ = point((d_even + t) % N)
print("taproot output key", qx.to_bytes(32, "big").hex())
