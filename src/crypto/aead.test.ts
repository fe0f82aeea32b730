// AEAD wrappers against Wycheproof: AES-256-GCM, ChaCha20-Poly1305, XChaCha20-Poly1305.
// Supported parameters only: 256-bit keys, 128-bit tags, 96-bit nonces (192-bit for XChaCha). Wycheproof
// cases with other key or nonce sizes (AES-128/192, GCM nonces ≠ 96 bits, InvalidNonceSize) must be refused
// up front with a RangeError naming the parameter — never silently processed.
import { describe, expect, it } from "vitest";
import { aesGcmOpen, aesGcmSeal, chachaOpen, chachaSeal, xchachaOpen, xchachaSeal } from "./aead.js";
import { bytesToHex, concatBytes, hexToBytes } from "./bytes.js";
import { field, readVectors, type WycheproofFile, wycheproofCases } from "./test-vectors.js";

type Seal = (k: Uint8Array, n: Uint8Array, p: Uint8Array, a?: Uint8Array) => Uint8Array;
type Open = (k: Uint8Array, n: Uint8Array, c: Uint8Array, a?: Uint8Array) => Uint8Array | undefined;
type Group = { keySize: number; ivSize: number; tagSize: number };

const SUITES: {
  file: string;
  seal: Seal;
  open: Open;
  nonceBits: number;
  total: number;
  supported: number;
}[] = [
  {
    file: "wycheproof_aes_gcm_test.json",
    seal: aesGcmSeal,
    open: aesGcmOpen,
    nonceBits: 96,
    total: 316,
    supported: 66,
  },
  {
    file: "wycheproof_chacha20_poly1305_test.json",
    seal: chachaSeal,
    open: chachaOpen,
    nonceBits: 96,
    total: 325,
    supported: 316,
  },
  {
    file: "wycheproof_xchacha20_poly1305_test.json",
    seal: xchachaSeal,
    open: xchachaOpen,
    nonceBits: 192,
    total: 315,
    supported: 306,
  },
];

for (const suite of SUITES) {
  const cases = wycheproofCases(readVectors<WycheproofFile<Group>>(suite.file));
  const isSupported = (g: Group) => g.keySize === 256 && g.ivSize === suite.nonceBits && g.tagSize === 128;

  describe(`${suite.file}`, () => {
    it("covers the whole file; no 'acceptable' case", () => {
      expect(cases.length).toBe(suite.total);
      expect(cases.filter((c) => isSupported(c.group)).length).toBe(suite.supported);
      expect(cases.filter((c) => c.test.result === "acceptable")).toEqual([]);
    });

    for (const { group, test } of cases) {
      const key = hexToBytes(field(test, "key"));
      const iv = hexToBytes(field(test, "iv"));
      const aad = hexToBytes(field(test, "aad"));
      const msg = hexToBytes(field(test, "msg"));
      const sealed = concatBytes(hexToBytes(field(test, "ct")), hexToBytes(field(test, "tag")));
      const label = `tc ${test.tcId} ${test.result} k${group.keySize}/n${group.ivSize} [${test.flags.join(",")}]`;

      if (!isSupported(group)) {
        it(`${label}: unsupported size refused with RangeError`, () => {
          expect(() => suite.open(key, iv, sealed, aad)).toThrow(RangeError);
          expect(() => suite.seal(key, iv, msg, aad)).toThrow(RangeError);
        });
      } else if (test.result === "valid") {
        it(`${label}: seals to ct‖tag and opens to msg`, () => {
          expect(bytesToHex(suite.seal(key, iv, msg, aad))).toBe(bytesToHex(sealed));
          const opened = suite.open(key, iv, sealed, aad);
          expect(opened && bytesToHex(opened)).toBe(bytesToHex(msg));
        });
      } else {
        it(`${label}: open refuses (undefined) ${test.comment}`, () => {
          expect(suite.open(key, iv, sealed, aad)).toBeUndefined();
        });
      }
    }
  });
}

describe("AEAD boundary", () => {
  const key = new Uint8Array(32);
  it("rejects a truncated (shorter than the tag) ciphertext cleanly", () => {
    expect(aesGcmOpen(key, new Uint8Array(12), new Uint8Array(15))).toBeUndefined();
    expect(chachaOpen(key, new Uint8Array(12), new Uint8Array(0))).toBeUndefined();
    expect(xchachaOpen(key, new Uint8Array(24), new Uint8Array(15))).toBeUndefined();
  });
  it("names the parameter on wrong sizes and types", () => {
    expect(() => aesGcmSeal(new Uint8Array(16), new Uint8Array(12), new Uint8Array(0))).toThrow(
      /key must be 32 bytes/,
    );
    expect(() => chachaSeal(key, new Uint8Array(8), new Uint8Array(0))).toThrow(/nonce must be 12 bytes/);
    expect(() => xchachaSeal(key, new Uint8Array(12), new Uint8Array(0))).toThrow(/nonce must be 24 bytes/);
    expect(() => aesGcmOpen(key, new Uint8Array(12), "x" as unknown as Uint8Array)).toThrow(TypeError);
  });
});
