#!/usr/bin/env python3
# Independent canonical-encoding vectors: each value is assembled by hand from the spec in
# docs/wire-format.md (struct.pack, no keyward code). `python3 src/crypto/canonical.vectors.py` prints
# `name tag hex` lines; canonical.test.ts and docs/wire-format.md carry the same hex.
import struct

NULL, FALSE, TRUE, UINT, NEGINT, STRING, BYTES, ARRAY, MAP = range(9)


def u32(n: int) -> bytes:
    return struct.pack("<I", n)


def u64(n: int) -> bytes:
    return struct.pack("<Q", n)


def lp(b: bytes) -> bytes:
    return u32(len(b)) + b


def framed(tag: str, value: bytes) -> bytes:
    return lp(tag.encode()) + value


def string(s: str) -> bytes:
    return bytes([STRING]) + lp(s.encode("utf-8"))


def map_(entries: list[tuple[str, bytes]]) -> bytes:
    # Entries are listed in the order the spec requires (ascending UTF-8 key bytes); checked here.
    keys = [k.encode("utf-8") for k, _ in entries]
    assert keys == sorted(keys) and len(set(keys)) == len(keys)
    return bytes([MAP]) + u32(len(entries)) + b"".join(lp(k.encode("utf-8")) + v for k, v in entries)


T = "keyward v1 example"
VECTORS = [
    ("null", T, bytes([NULL])),
    ("false", T, bytes([FALSE])),
    ("true", T, bytes([TRUE])),
    ("uint 0", T, bytes([UINT]) + u64(0)),
    ("uint 2^53-1", T, bytes([UINT]) + u64(2**53 - 1)),
    ("uint 2^64-1", T, bytes([UINT]) + u64(2**64 - 1)),
    ("int -1", T, bytes([NEGINT]) + u64(0)),
    ("int -2^64", T, bytes([NEGINT]) + u64(2**64 - 1)),
    ("string empty", T, string("")),
    ("string héllo", T, string("h\u00e9llo")),
    ("string BOM", T, string("\ufeffx")),
    ("bytes 00ff", T, bytes([BYTES]) + lp(bytes([0x00, 0xFF]))),
    ("array [1,\"a\",null]", T, bytes([ARRAY]) + u32(3) + bytes([UINT]) + u64(1) + string("a") + bytes([NULL])),
    ("map {}", T, map_([])),
    (
        "map {b:1,a:[true],aa:0x01}",
        T,
        map_([
            ("a", bytes([ARRAY]) + u32(1) + bytes([TRUE])),
            ("aa", bytes([BYTES]) + lp(b"\x01")),
            ("b", bytes([UINT]) + u64(1)),
        ]),
    ),
    # UTF-16 order would put U+1F600 (surrogate D83D) before U+FF61; UTF-8 byte order (EF.. < F0..) does not.
    ("map utf8 key order", T, map_([("\uff61", bytes([UINT]) + u64(1)), ("\U0001f600", bytes([UINT]) + u64(2))])),
    ("other tag", "keyward v1 other", bytes([NULL])),
]

if __name__ == "__main__":
    for name, tag, value in VECTORS:
        print(f"{name}\t{tag}\t{framed(tag, value).hex()}")
