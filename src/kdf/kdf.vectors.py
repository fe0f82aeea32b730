#!/usr/bin/env python3
# Independent known answers for src/kdf (room secret, delegate key, subkey), computed with Debian's b3sum
# (BLAKE3) and Python's `cryptography` (Ed25519 verifying keys) only — no keyward code.
# `python3 src/kdf/kdf.vectors.py` prints the vectors pasted into kdf-vectors.test.ts and docs/wire-format.md.
# Each b3sum call below is the shell command written next to the vector in the test file.
import struct
import subprocess
import tempfile

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

ROOM_CONTEXT = "river-rotate v1 2026-04 room-secret-root"


def b3sum(args: list[str], stdin: bytes) -> bytes:
    out = subprocess.run(["b3sum", "--no-names", *args], input=stdin, capture_output=True, check=True)
    return bytes.fromhex(out.stdout.decode().strip())


def derive_key(context: str, material: bytes) -> bytes:
    # printf MATERIAL | b3sum --derive-key CONTEXT
    return b3sum(["--derive-key", context], material)


def keyed(key: bytes, data: bytes) -> bytes:
    # b3sum --keyed FILE < key32   (the key is read raw from stdin, the message from FILE)
    with tempfile.NamedTemporaryFile() as f:
        f.write(data)
        f.flush()
        return b3sum(["--keyed", f.name], key)


def plain(data: bytes) -> bytes:
    # printf DATA | b3sum
    return b3sum([], data)


def vk(seed: bytes) -> bytes:
    return Ed25519PrivateKey.from_private_bytes(seed).public_key().public_bytes_raw()


def room_secret(seed: bytes, owner: bytes, version: int) -> bytes:
    return keyed(derive_key(ROOM_CONTEXT, seed), owner + struct.pack("<I", version))


def subkey(context: str, ikm: bytes, *parts: bytes) -> bytes:
    return keyed(derive_key(context, ikm), b"".join(struct.pack("<I", len(p)) + p for p in parts))


def delegate(code: bytes, params: bytes) -> tuple[bytes, bytes]:
    code_hash = plain(code)
    return code_hash, plain(code_hash + params)


if __name__ == "__main__":
    one = vk(bytes([1] * 32))
    zero_vk = vk(bytes(32))
    print("vk([1]*32)", one.hex())
    print("vk([0]*32)", zero_vk.hex())
    for name, seed, owner, version in [
        ("room zero seed v0", bytes(32), one, 0),
        ("room zero seed v0x01020304", bytes(32), one, 0x01020304),
        ("room ff seed v0", bytes([0xFF] * 32), one, 0),
        ("room zero seed own vk v0 (README)", bytes(32), zero_vk, 0),
        ("room 0x11 seed 0x22 owner v4294967295", bytes([0x11] * 32), bytes([0x22] * 32), 0xFFFFFFFF),
    ]:
        print(name, room_secret(seed, owner, version).hex())
    code_1025 = bytes(i % 251 for i in range(1025))
    for name, code, params in [
        ("delegate abc", b"abc", b""),
        ("delegate abc params 0102", b"abc", bytes([1, 2])),
        ("delegate empty", b"", b""),
        ("delegate 1025 bytes params 64x0x07", code_1025, bytes([7] * 64)),
    ]:
        ch, key = delegate(code, params)
        print(name, ch.hex(), key.hex())
    ikm = bytes([0x42] * 32)
    for name, parts in [
        ("subkey no parts", []),
        ("subkey ab,c", [b"ab", b"c"]),
        ("subkey a,bc", [b"a", b"bc"]),
        ("subkey empty part", [b""]),
        ("subkey identity", [b"email:alice@example.com", b"default", struct.pack("<I", 7), b"ed25519"]),
    ]:
        print(name, subkey("keyward v1 test-subkey", ikm, *parts).hex())
    print("subkey other context", subkey("keyward v1 other-subkey", ikm).hex())
