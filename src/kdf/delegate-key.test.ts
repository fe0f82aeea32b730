// freenet delegate key: known answers from Debian's b3sum (never from this code), properties and boundary.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { bytesToHex, hexToBytes, utf8 } from "../crypto/bytes.js";
import { delegateKey } from "./delegate-key.js";

// Produced with (CODE and PARAMS as files):
//   CODE_HASH=$(b3sum --no-names code.bin)
//   { printf %s "$CODE_HASH" | xxd -r -p; cat params.bin; } | b3sum --no-names
// (the same steps in Python: `python3 src/kdf/kdf.vectors.py`).
const CODE_1025 = Uint8Array.from({ length: 1025 }, (_, i) => i % 251);
const KATS: { name: string; code: Uint8Array; params?: Uint8Array; codeHash: string; key: string }[] = [
  {
    name: 'code "abc", no params (README example)',
    code: utf8("abc"),
    codeHash: "6437b3ac38465133ffb63b75273a8db548c558465d79db03fd359c6cd5bd9d85",
    key: "dc2f738d17b8a7ec03efdd0a95e8d3924b8e05965040ab6dcafd992994012bd4",
  },
  {
    name: 'code "abc", params 0x0102',
    code: utf8("abc"),
    params: hexToBytes("0102"),
    codeHash: "6437b3ac38465133ffb63b75273a8db548c558465d79db03fd359c6cd5bd9d85",
    key: "c3b74806bd3e3aa85f445e194ead0a93c004ff37678ef82be03db3a4759cc32a",
  },
  {
    name: "empty code, empty params",
    code: new Uint8Array(0),
    params: new Uint8Array(0),
    codeHash: "af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262",
    key: "82878ed8a480ee41775636820e05a934ca5c747223ca64306658ee5982e6c227",
  },
  {
    name: "1025-byte code (two chunks), 64 bytes of 0x07 params",
    code: CODE_1025,
    params: new Uint8Array(64).fill(7),
    codeHash: "d00278ae47eb27b34faecf67b4fe263f82d5412916c1ffd97c8cb7fb814b8444",
    key: "866c0506f476b974799e528db7b377a75afe34978d9593b906117914f56cebe8",
  },
];

describe("delegateKey known answers (b3sum)", () => {
  for (const k of KATS) {
    it(k.name, () => {
      const out = k.params === undefined ? delegateKey(k.code) : delegateKey(k.code, k.params);
      expect(bytesToHex(out.codeHash)).toBe(k.codeHash);
      expect(bytesToHex(out.key)).toBe(k.key);
    });
  }
});

describe("delegateKey properties", () => {
  it("is deterministic; params default to empty", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.uint8Array({ maxLength: 40 }), (code, params) => {
        const a = delegateKey(code, params);
        const b = delegateKey(code.slice(), params.slice());
        expect(bytesToHex(a.key)).toBe(bytesToHex(b.key));
        expect(bytesToHex(delegateKey(code).key)).toBe(bytesToHex(delegateKey(code, new Uint8Array(0)).key));
      }),
      { numRuns: 100 },
    );
  });

  it("any change of code or params changes the key; params never change the code hash", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 100 }),
        fc.uint8Array({ maxLength: 40 }),
        fc.nat(),
        (code, params, at) => {
          const base = delegateKey(code, params);
          const c = code.slice();
          c[at % c.length] = (c[at % c.length] ?? 0) ^ 1;
          expect(bytesToHex(delegateKey(c, params).key)).not.toBe(bytesToHex(base.key));
          const p = Uint8Array.from([...params, at & 0xff]);
          const withMore = delegateKey(code, p);
          expect(bytesToHex(withMore.key)).not.toBe(bytesToHex(base.key));
          expect(bytesToHex(withMore.codeHash)).toBe(bytesToHex(base.codeHash));
        },
      ),
      { numRuns: 100 },
    );
  });

  it("rejects non-bytes code and params naming the parameter", () => {
    expect(() => delegateKey("abc" as unknown as Uint8Array)).toThrow(/code must be a Uint8Array/);
    expect(() => delegateKey(utf8("abc"), [1] as unknown as Uint8Array)).toThrow(
      /params must be a Uint8Array/,
    );
  });
});
