#!/usr/bin/env python3
# Independent room-record vectors: canonical bytes assembled by hand with struct.pack, Ed25519 signatures from
# Python `cryptography`, room secrets from Debian `b3sum`, river-v1 from ../kdf/river-ecies.vectors.py.
# Prints a JSON object whose values are pasted into records.test.ts and docs/wire-format.md ("Rooms").
#   python3 src/rooms/records.vectors.py
import importlib.util
import json
import os
import struct
import subprocess
import tempfile

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location("river", os.path.join(HERE, "..", "kdf", "river-ecies.vectors.py"))
river = importlib.util.module_from_spec(spec)
spec.loader.exec_module(river)


def tag(t: str) -> bytes:
    b = t.encode()
    return struct.pack("<I", len(b)) + b


def e_uint(n: int) -> bytes:
    return b"\x03" + struct.pack("<Q", n)


def e_str(s: str) -> bytes:
    b = s.encode()
    return b"\x05" + struct.pack("<I", len(b)) + b


def e_bytes(b: bytes) -> bytes:
    return b"\x06" + struct.pack("<I", len(b)) + b


def e_map(entries: dict) -> bytes:
    out = b"\x08" + struct.pack("<I", len(entries))
    for k in sorted(entries, key=lambda k: k.encode()):
        kb = k.encode()
        out += struct.pack("<I", len(kb)) + kb + entries[k]
    return out


def room_secret(seed: bytes, owner: bytes, version: int) -> bytes:
    root = subprocess.run(
        ["b3sum", "--derive-key", "river-rotate v1 2026-04 room-secret-root", "--raw"], input=seed, capture_output=True, check=True
    ).stdout
    with tempfile.NamedTemporaryFile() as f:
        f.write(owner + struct.pack("<I", version))
        f.flush()
        out = subprocess.run(["b3sum", "--keyed", "--no-names", f.name], input=root, capture_output=True, check=True)
    return bytes.fromhex(out.stdout.decode().strip())


owner_seed = bytes([0x11] * 32)
owner_sk = Ed25519PrivateKey.from_private_bytes(owner_seed)
room = owner_sk.public_key().public_bytes_raw()
m3 = river.ed_public(bytes([3] * 32))
m7 = river.ed_public(bytes([7] * 32))


def version_record(v: int) -> dict:
    signed = tag("keyward v1 room-version") + e_map({"room": e_bytes(room), "suite": e_str("river-v1"), "version": e_uint(v)})
    return {"version": v, "suite": "river-v1", "signature": owner_sk.sign(signed).hex()}, signed


def member_record(v: int, member: bytes) -> dict:
    enc = river.encrypt(room_secret(owner_seed, room, v), member)
    signed = tag("keyward v1 room-member") + e_map(
        {
            "room": e_bytes(room),
            "version": e_uint(v),
            "member": e_bytes(member),
            "suite": e_str("river-v1"),
            "ciphertext": e_bytes(bytes.fromhex(enc["ciphertext"])),
            "nonce": e_bytes(bytes.fromhex(enc["nonce"])),
            "ephemeralPublicKey": e_bytes(bytes.fromhex(enc["ephemeralPublicKey"])),
        }
    )
    rec = {"version": v, "member": member.hex(), "suite": "river-v1", **enc, "signature": owner_sk.sign(signed).hex()}
    return rec, signed


def removal_record(member: bytes, v: int) -> dict:
    signed = tag("keyward v1 room-removal") + e_map({"room": e_bytes(room), "member": e_bytes(member), "version": e_uint(v)})
    return {"member": member.hex(), "version": v, "signature": owner_sk.sign(signed).hex()}, signed


# The room: create (version 0), add m3 and m7 at version 0, remove m7 (rotation to version 1).
v0, v0_signed = version_record(0)
v1, _ = version_record(1)
members = sorted([member_record(0, m3), member_record(0, m7), member_record(1, m3)], key=lambda r: (r[0]["version"], r[0]["member"]))
rm7, rm7_signed = removal_record(m7, 1)
export = (
    json.dumps(
        {
            "format": "keyward-room-v1",
            "room": room.hex(),
            "currentVersion": 1,
            "versions": [v0, v1],
            "members": [r for r, _ in members],
            "removals": [rm7],
        },
        separators=(",", ":"),
    )
    + "\n"
)
print(
    json.dumps(
        {
            "room": room.hex(),
            "versionSigningBytes0": v0_signed.hex(),
            "memberSigningBytes_1_m3": [s for r, s in members if r["version"] == 1][0].hex(),
            "removalSigningBytes_m7": rm7_signed.hex(),
            "export": export,
        },
        indent=1,
    )
)
