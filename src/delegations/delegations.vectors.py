#!/usr/bin/env python3
"""Delegation checkpoint/proof (and absence-proof) vectors, produced WITHOUT keyward's code: a canonical encoder written from
docs/wire-format.md §1, hashlib SHA-256 (RFC 9162 Merkle tree) and Python `cryptography` Ed25519.
Run: python3 src/delegations/delegations.vectors.py  (prints the JSON checked by delegations-vectors.test.ts)."""
import base64, hashlib, json, struct
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives import serialization

def u32(n): return struct.pack("<I", n)
def enc(v):
    if v is None: return b"\x00"
    if isinstance(v, bool): return b"\x02" if v else b"\x01"
    if isinstance(v, int): return b"\x03" + struct.pack("<Q", v)
    if isinstance(v, str): b = v.encode(); return b"\x05" + u32(len(b)) + b
    if isinstance(v, bytes): return b"\x06" + u32(len(v)) + v
    if isinstance(v, list): return b"\x07" + u32(len(v)) + b"".join(enc(x) for x in v)
    if isinstance(v, dict):
        items = sorted(((k.encode(), x) for k, x in v.items()), key=lambda e: e[0])
        return b"\x08" + u32(len(items)) + b"".join(u32(len(k)) + k + enc(x) for k, x in items)
    raise TypeError(v)
def canonical(tag, v): t = tag.encode(); return u32(len(t)) + t + enc(v)
H = lambda b: hashlib.sha256(b).digest()
b64 = lambda b: base64.urlsafe_b64encode(b).rstrip(b"=").decode()

# Seed 003: delegator 1234 → provider "A" scope 1: [100,400) and [1000,∞); → provider "B" scope 1: [500,∞).
keys = [  # already in key order: same delegator, provider "A" < "B"
    {"delegator": 1234, "provider": "A", "scope": 1, "intervals": [[100, 400], [1000, None]]},
    {"delegator": 1234, "provider": "B", "scope": 1, "intervals": [[500, None]]},
]
leaves = [canonical("keyward v1 delegation-leaf", k) for k in keys]
leaf_hashes = [H(b"\x00" + l) for l in leaves]
root = H(b"\x01" + leaf_hashes[0] + leaf_hashes[1])
seq, size = 4, 2
message = canonical("keyward v1 delegations-checkpoint", {"version": 1, "seq": seq, "size": size, "root": root})
sk = Ed25519PrivateKey.from_private_bytes(bytes([7]) * 32)
pk = sk.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
sig = sk.sign(message)
print(json.dumps({
    "leafA": leaves[0].hex(), "leafHashA": leaf_hashes[0].hex(), "leafHashB": leaf_hashes[1].hex(),
    "root": root.hex(), "message": message.hex(), "publicKey": pk.hex(),
    "checkpoint": {"version": 1, "seq": seq, "size": size, "root": b64(root), "signature": b64(sig), "publicKey": pk.hex()},
    "proof": {"version": 1, "delegator": 1234, "provider": "A", "scope": 1, "intervals": keys[0]["intervals"],
              "index": 0, "path": [b64(leaf_hashes[1])]},
    # (1234, "A", 2) was never granted: it sorts between leaf 0 (scope 1 < 2) and leaf 1 ("A" < "B").
    "absence": {"version": 1, "absent": True, "delegator": 1234, "provider": "A", "scope": 2,
                "left": {"version": 1, "delegator": 1234, "provider": "A", "scope": 1,
                         "intervals": keys[0]["intervals"], "index": 0, "path": [b64(leaf_hashes[1])]},
                "right": {"version": 1, "delegator": 1234, "provider": "B", "scope": 1,
                          "intervals": keys[1]["intervals"], "index": 1, "path": [b64(leaf_hashes[0])]}},
}, indent=1))
