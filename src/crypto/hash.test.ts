// Hash wrappers against published vectors: BLAKE3's official file (every length, all three modes, extended
// output), FIPS 180 SHA-2, RFC 4231 HMAC and Ethereum's Keccak-256.
import { createHmac } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { bytesToHex, utf8 } from "./bytes.js";
import {
  blake3DeriveKey,
  blake3Hash,
  blake3Keyed,
  blake3KeyedConcat,
  HmacSha256Key,
  hmacSha256,
  keccak256,
  sha256,
  sha512,
} from "./hash.js";
import { readVectors } from "./test-vectors.js";

interface Blake3File {
  key: string;
  context_string: string;
  cases: { input_len: number; hash: string; keyed_hash: string; derive_key: string }[];
}

const b3 = readVectors<Blake3File>("blake3_test_vectors.json");
const KEY = utf8(b3.key);

/** The official input: the repeating byte sequence 0, 1, …, 250. */
function officialInput(length: number): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => i % 251);
}

describe("BLAKE3 official vectors (blake3_test_vectors.json)", () => {
  it("covers every length of the file", () => {
    expect(b3.cases.length).toBe(35);
    expect(KEY.length).toBe(32);
  });

  for (const c of b3.cases) {
    it(`input length ${c.input_len}: hash, keyed_hash, derive_key, default and extended output`, () => {
      const input = officialInput(c.input_len);
      const ext = c.hash.length / 2;
      expect(bytesToHex(blake3Hash(input, ext))).toBe(c.hash);
      expect(bytesToHex(blake3Hash(input))).toBe(c.hash.slice(0, 64));
      expect(bytesToHex(blake3Keyed(KEY, input, ext))).toBe(c.keyed_hash);
      expect(bytesToHex(blake3Keyed(KEY, input))).toBe(c.keyed_hash.slice(0, 64));
      // Twice: the first call fills the per-context cache, the second clones it.
      expect(bytesToHex(blake3DeriveKey(b3.context_string, input, ext))).toBe(c.derive_key);
      expect(bytesToHex(blake3DeriveKey(b3.context_string, input))).toBe(c.derive_key.slice(0, 64));
      expect(bytesToHex(blake3DeriveKey(b3.context_string, input, 7))).toBe(c.derive_key.slice(0, 14));
    });
  }

  it("blake3KeyedConcat equals keyed_hash of the concatenation, wherever the input is split", () => {
    for (const c of b3.cases.filter((x) => x.input_len <= 2049)) {
      const input = officialInput(c.input_len);
      for (const at of new Set([0, 1, 31, 64, Math.floor(c.input_len / 2), c.input_len])) {
        if (at > c.input_len) continue;
        const parts = [input.subarray(0, at), input.subarray(at)];
        expect(bytesToHex(blake3KeyedConcat(KEY, parts))).toBe(c.keyed_hash.slice(0, 64));
      }
    }
  });

  it("rejects bad arguments with TypeError/RangeError naming the parameter", () => {
    expect(() => blake3Keyed(new Uint8Array(31), new Uint8Array(0))).toThrow(/key must be 32 bytes/);
    expect(() => blake3KeyedConcat(KEY, [new Uint8Array(1), "x" as unknown as Uint8Array])).toThrow(
      /parts\[1\] must be a Uint8Array/,
    );
    expect(() => blake3KeyedConcat(KEY, "ab" as unknown as Uint8Array[])).toThrow(TypeError);
    expect(() => blake3DeriveKey("", new Uint8Array(0))).toThrow(RangeError);
    expect(() => blake3DeriveKey("ctx \ud800", new Uint8Array(0))).toThrow(/context must be well-formed/);
    expect(() => blake3DeriveKey(1 as unknown as string, new Uint8Array(0))).toThrow(TypeError);
    expect(() => blake3Hash(new Uint8Array(0), 0)).toThrow(RangeError);
    expect(() => blake3Hash([1, 2] as unknown as Uint8Array)).toThrow(TypeError);
  });
});

describe("SHA-2, HMAC and Keccak published vectors", () => {
  // python3 -c "import hashlib; print(hashlib.sha256(b'abc').hexdigest())"  (FIPS 180-2 appendix B.1)
  it("SHA-256('abc')", () => {
    expect(bytesToHex(sha256(utf8("abc")))).toBe(
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
    );
  });
  // python3 -c "import hashlib; print(hashlib.sha512(b'abc').hexdigest())"  (FIPS 180-2 appendix C.1)
  it("SHA-512('abc')", () => {
    expect(bytesToHex(sha512(utf8("abc")))).toBe(
      "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a" +
        "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f",
    );
  });
  // RFC 4231 test case 2; python3 -c "import hmac; print(hmac.new(b'Jefe', b'what do ya want for nothing?', 'sha256').hexdigest())"
  it("HMAC-SHA-256 (RFC 4231 case 2)", () => {
    expect(bytesToHex(hmacSha256(utf8("Jefe"), utf8("what do ya want for nothing?")))).toBe(
      "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
    );
  });
  // RFC 4231 case 6 (a key longer than the block is hashed first); the same python3 one-liner with
  // hmac.new(b'\xaa' * 131, b'Test Using Larger Than Block-Size Key - Hash Key First', 'sha256').
  it("pre-keyed HMAC-SHA-256 (RFC 4231 cases 2 and 6), each MAC from the same keyed state", () => {
    const jefe = new HmacSha256Key(utf8("Jefe"));
    for (let i = 0; i < 3; i++)
      expect(bytesToHex(jefe.mac(utf8("what do ya want for nothing?")))).toBe(
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
      );
    const long = new HmacSha256Key(new Uint8Array(131).fill(0xaa));
    expect(bytesToHex(long.mac(utf8("Test Using Larger Than Block-Size Key - Hash Key First")))).toBe(
      "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
    );
  });
  it("pre-keyed HMAC-SHA-256 equals node:crypto's for any key and message, and refuses use after wipe", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 200 }),
        fc.array(fc.uint8Array({ maxLength: 300 })),
        (key, msgs) => {
          const k = new HmacSha256Key(key);
          for (const m of msgs)
            expect(bytesToHex(k.mac(m))).toBe(createHmac("sha256", key).update(m).digest("hex"));
        },
      ),
      { numRuns: 100 },
    );
    const k = new HmacSha256Key(new Uint8Array(32));
    expect(() => k.mac("x" as unknown as Uint8Array)).toThrow(TypeError);
    expect(() => new HmacSha256Key([1] as unknown as Uint8Array)).toThrow(TypeError);
    k.wipe();
    expect(() => k.mac(new Uint8Array(1))).toThrow(/wiped/);
  });
  // Ethereum's KECCAK_EMPTY constant and keccak256("abc") (pre-standard Keccak, not FIPS 202 SHA3-256).
  it("Keccak-256 of '' and 'abc'", () => {
    expect(bytesToHex(keccak256(new Uint8Array(0)))).toBe(
      "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470",
    );
    expect(bytesToHex(keccak256(utf8("abc")))).toBe(
      "4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45",
    );
  });
});
