#!/usr/bin/env python3
# Independent known answers for the delegates wire formats (certificate, key-rotation and revocation
# statements, migration-token hash), computed with Debian's b3sum (BLAKE3) and Python's `cryptography`
# (Ed25519) and a from-the-spec canonical encoder — no keyward code.
# `python3 src/delegates/delegates.vectors.py` prints the values pasted into delegates-vectors.test.ts
# and docs/wire-format.md ("Delegates" section).
import struct
import subprocess
import tempfile

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey


def b3sum(args, stdin):
    out = subprocess.run(["b3sum", "--no-names", *args], input=stdin, capture_output=True, check=True)
    return bytes.fromhex(out.stdout.decode().strip())


def plain(data):  # printf DATA | b3sum
    return b3sum([], data)


def derive_key(context, material):  # printf MATERIAL | b3sum --derive-key CONTEXT
    return b3sum(["--derive-key", context], material)


def keyed(key, data):  # b3sum --keyed FILE < key32
    with tempfile.NamedTemporaryFile() as f:
        f.write(data)
        f.flush()
        return b3sum(["--keyed", f.name], key)


# Canonical encoding (docs/wire-format.md): u32le(len(tag)) ‖ tag ‖ value; value = type byte ‖ payload.
def u32(n):
    return struct.pack("<I", n)


def enc(v):
    if isinstance(v, bool):
        raise TypeError("no booleans here")
    if isinstance(v, int):
        return b"\x03" + struct.pack("<Q", v)
    if isinstance(v, str):
        b = v.encode()
        return b"\x05" + u32(len(b)) + b
    if isinstance(v, (bytes, bytearray)):
        return b"\x06" + u32(len(v)) + bytes(v)
    if isinstance(v, dict):
        items = sorted((k.encode(), val) for k, val in v.items())
        return b"\x08" + u32(len(items)) + b"".join(u32(len(k)) + k + enc(val) for k, val in items)
    raise TypeError(type(v))


def canonical(tag, value):
    t = tag.encode()
    return u32(len(t)) + t + enc(value)


def seed_key(seed):
    sk = Ed25519PrivateKey.from_private_bytes(seed)
    return sk, sk.public_key().public_bytes_raw()


app_seed = bytes(range(32))  # 000102…1f
app_sk, app_pub = seed_key(app_seed)
code = b"keyward test delegate code v1"
params = bytes.fromhex("0102")
code_hash = plain(code)
delegate_key = plain(code_hash + params)
cert_body = {"appKey": app_pub, "codeHash": code_hash, "delegateKey": delegate_key, "params": params, "version": 1}
cert_bytes = canonical("keyward v1 delegate-certificate", cert_body)
cert_sig = app_sk.sign(cert_bytes)
print("appPublicKey", app_pub.hex())
print("codeHash", code_hash.hex())
print("delegateKey", delegate_key.hex())
print("certificateBytes", cert_bytes.hex())
print("certificateSignature", cert_sig.hex())

new_seed = bytes([0x42] * 32)
_, new_pub = seed_key(new_seed)
rot = canonical("keyward v1 app-key-rotation", {"app": "chat", "newKey": new_pub, "previousKey": app_pub, "sequence": 1})
print("newPublicKey", new_pub.hex())
print("rotationBytes", rot.hex())
print("rotationSignature", app_sk.sign(rot).hex())

rev = canonical(
    "keyward v1 delegate-revocation",
    {"appKey": app_pub, "delegateKey": delegate_key, "reason": "bad build", "version": 1},
)
print("revocationBytes", rev.hex())
print("revocationSignature", app_sk.sign(rev).hex())

token = bytes([0x07] * 32)
root = derive_key("keyward v1 migration-token", token)
print("tokenHash", keyed(root, b"").hex())
