#!/usr/bin/env python3
# Independent known answers for audit entries of row version 3 (docs/wire-format.md, "Audit" and "Stored audit
# rows"), computed with Python's hashlib and hmac only — no keyward code.
# `python3 src/audit/audit.vectors.py` prints the values pasted into src/audit/entry-vectors.test.ts.
import hashlib
import hmac
import struct

TAG = b"keyward v3 audit-entry"
MAC_KEY = bytes(range(0x40, 0x60))  # 40 41 … 5f


def entry_hash(seq: int, time: int, prev: bytes, body: bytes) -> bytes:
    # SHA-256(u32le(len(tag)) ‖ tag ‖ u64be(seq) ‖ u64be(time) ‖ prev ‖ body)
    return hashlib.sha256(struct.pack("<I", len(TAG)) + TAG + struct.pack(">QQ", seq, time) + prev + body).digest()


def row(seq: int, time: int, prev: bytes, body: bytes) -> tuple[bytes, bytes, bytes]:
    h = entry_hash(seq, time, prev, body)
    mac = hmac.new(MAC_KEY, h, "sha256").digest()
    # 0x03 ‖ u64be(seq) ‖ u64be(time) ‖ prev ‖ hash ‖ mac ‖ body
    return h, mac, bytes([3]) + struct.pack(">QQ", seq, time) + prev + h + mac + body


chain = [
    (1, 1_765_000_000_000, b"keyward audit vector body 1"),
    (2, 1_765_000_000_001, b"\x00"),
    (2**32 + 5, 2**40 + 7, bytes(range(256)) * 2),
]
prev = bytes(32)
for seq, time, body in chain:
    h, mac, r = row(seq, time, prev, body)
    print(f"seq {seq} time {time} body {body.hex()[:32]}… ({len(body)} bytes)")
    print(f"  hash {h.hex()}")
    print(f"  mac  {mac.hex()}")
    if len(r) <= 160:
        print(f"  row  {r.hex()}")
    else:
        print(f"  row  sha256 {hashlib.sha256(r).hexdigest()} ({len(r)} bytes)")
    prev = h
    if seq == 2:
        # The head after entry 2: HMAC(macKey, canonical("keyward v1 audit-head", {hash: bytes(32), seq: 2})),
        # map keys in byte order, as docs/wire-format.md ("Canonical encoding") lays them out.
        head_tag = b"keyward v1 audit-head"
        canon = (
            struct.pack("<I", len(head_tag)) + head_tag + b"\x08" + struct.pack("<I", 2)
            + struct.pack("<I", 4) + b"hash" + b"\x06" + struct.pack("<I", 32) + h
            + struct.pack("<I", 3) + b"seq" + b"\x03" + struct.pack("<Q", seq)
        )
        print(f"  head mac {hmac.new(MAC_KEY, canon, 'sha256').hexdigest()}")
