#!/usr/bin/env python3
# Independent river-v1 implementation (Python `cryptography` + Debian `b3sum`), used to produce and check
# the vectors in river-ecies.test.ts. It shares no code with keyward.
#
#   python3 src/kdf/river-ecies.vectors.py            -> prints the known-answer vectors pasted into the test
#   python3 src/kdf/river-ecies.vectors.py batch      -> reads JSON jobs on stdin, writes JSON results
#        job {"op":"encrypt","secret":HEX,"memberVerifyingKey":HEX}
#            -> {"ciphertext":HEX,"nonce":HEX,"ephemeralPublicKey":HEX}
#        job {"op":"decrypt","ciphertext":HEX,"nonce":HEX,"ephemeralPublicKey":HEX,"memberSeed":HEX}
#            -> {"secret":HEX} or {"error":"decrypt_failed"}
#        job {"op":"publicKey","seed":HEX} -> {"publicKey":HEX}   (Ed25519 verifying key of a seed)
import hashlib
import json
import subprocess
import sys

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

P = 2**255 - 19
DOMAIN = b"river-ecies-ephemeral-v1 2026-05"


def b3(data: bytes) -> bytes:
    # Plain BLAKE3 hash (32 bytes) from Debian's b3sum, reading stdin.
    out = subprocess.run(["b3sum", "--no-names"], input=data, capture_output=True, check=True)
    return bytes.fromhex(out.stdout.decode().strip())


def ed_public(seed: bytes) -> bytes:
    return Ed25519PrivateKey.from_private_bytes(seed).public_key().public_bytes_raw()


def ed_to_montgomery(vk: bytes) -> bytes:
    # Birational map u = (1 + y) / (1 - y) mod p; y is the little-endian encoding without the sign bit.
    y = int.from_bytes(vk, "little") & ((1 << 255) - 1)
    u = (1 + y) * pow((1 - y) % P, P - 2, P) % P
    return u.to_bytes(32, "little")


def seed_to_x25519(seed: bytes) -> bytes:
    h = bytearray(hashlib.sha512(seed).digest()[:32])
    h[0] &= 248
    h[31] &= 127
    h[31] |= 64
    return bytes(h)


def encrypt(secret: bytes, vk: bytes) -> dict:
    eph = b3(DOMAIN + secret + vk)
    eph_key = X25519PrivateKey.from_private_bytes(eph)
    shared = eph_key.exchange(X25519PublicKey.from_public_bytes(ed_to_montgomery(vk)))
    key = hashlib.sha256(shared).digest()
    nonce = bytes(12)
    ct = AESGCM(key).encrypt(nonce, secret, None)
    eph_pub = eph_key.public_key().public_bytes_raw()
    return {"ciphertext": ct.hex(), "nonce": nonce.hex(), "ephemeralPublicKey": eph_pub.hex()}


def decrypt(ct: bytes, nonce: bytes, eph_pub: bytes, seed: bytes) -> dict:
    priv = X25519PrivateKey.from_private_bytes(seed_to_x25519(seed))
    shared = priv.exchange(X25519PublicKey.from_public_bytes(eph_pub))
    key = hashlib.sha256(shared).digest()
    try:
        return {"secret": AESGCM(key).decrypt(nonce, ct, None).hex()}
    except InvalidTag:
        return {"error": "decrypt_failed"}


def run_job(job: dict) -> dict:
    h = bytes.fromhex
    if job["op"] == "encrypt":
        return encrypt(h(job["secret"]), h(job["memberVerifyingKey"]))
    if job["op"] == "decrypt":
        return decrypt(h(job["ciphertext"]), h(job["nonce"]), h(job["ephemeralPublicKey"]), h(job["memberSeed"]))
    if job["op"] == "publicKey":
        return {"publicKey": ed_public(h(job["seed"])).hex()}
    raise ValueError("unknown op")


def vectors() -> None:
    cases = [
        # River's own known answer (freenet/river common/src/ecies.rs): member seed [3;32], secret [42;32].
        (bytes([3] * 32), bytes([42] * 32)),
        (bytes([7] * 32), bytes([13] * 32)),
        (bytes(range(32)), bytes(range(255, 223, -1))),
    ]
    for seed, secret in cases:
        vk = ed_public(seed)
        out = {"memberSeed": seed.hex(), "memberVerifyingKey": vk.hex(), "secret": secret.hex()}
        out["recipientX25519"] = ed_to_montgomery(vk).hex()
        out.update(encrypt(secret, vk))
        print(json.dumps(out))


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "batch":
        print(json.dumps([run_job(j) for j in json.load(sys.stdin)]))
    else:
        vectors()
