// Byte helpers: codecs round-trip and reject garbage, constant-time equality, little-endian ints, wipe.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  base64urlToBytes,
  bytesToBase64url,
  bytesToHex,
  concatBytes,
  equalBytes,
  hexToBytes,
  u32le,
  u64le,
  utf8,
  wipe,
} from "./bytes.js";

/** Outcome of a parser: the decoded bytes or the error class it threw. */
function outcome(fn: () => Uint8Array): Uint8Array | string {
  try {
    return fn();
  } catch (err) {
    return (err as Error).name;
  }
}

describe("hex codec", () => {
  it("round-trips any bytes (lower-case out, either case in)", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (b) => {
        const hex = bytesToHex(b);
        expect(hex).toBe(Buffer.from(b).toString("hex"));
        expect(hexToBytes(hex)).toEqual(b);
        expect(hexToBytes(hex.toUpperCase())).toEqual(b);
        expect(hexToBytes(hex, "x", b.length)).toEqual(b);
      }),
    );
  });

  it("accepts exactly the even-length [0-9a-fA-F] strings; everything else is a RangeError", () => {
    const chars = fc.constantFrom(..."0123456789abcdefABCDEFgxz -+=\n\u00e9".split(""), "0x");
    fc.assert(
      fc.property(
        fc.array(chars, { maxLength: 12 }).map((a) => a.join("")),
        (s) => {
          const r = outcome(() => hexToBytes(s, "--seed"));
          if (/^(?:[0-9a-fA-F]{2})*$/.test(s)) expect(bytesToHex(r as Uint8Array)).toBe(s.toLowerCase());
          else expect(r).toBe("RangeError");
        },
      ),
      { numRuns: 500 },
    );
  });

  it("names the parameter and never echoes the input", () => {
    expect(() => hexToBytes("zz", "--seed")).toThrow(/^--seed must be hex/);
    expect(() => hexToBytes("abc", "--seed")).toThrow(RangeError);
    expect(() => hexToBytes("0xab", "--seed")).toThrow(RangeError);
    expect(() => hexToBytes("ab".repeat(31), "--seed", 32)).toThrow(
      "--seed must be 32 bytes (64 hex characters), got 31",
    );
    expect(() => hexToBytes(12, "--seed")).toThrow(TypeError);
    let message = "";
    try {
      hexToBytes("deadbeefq", "secretHex");
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/^secretHex must be hex/);
    expect(message).not.toContain("deadbeef");
  });
});

describe("base64url codec", () => {
  it("round-trips any bytes, unpadded", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (b) => {
        const text = bytesToBase64url(b);
        expect(text).toBe(Buffer.from(b).toString("base64url"));
        expect(text).not.toMatch(/[=+/]/);
        expect(base64urlToBytes(text)).toEqual(b);
      }),
    );
  });

  it("accepts a string only when it is the canonical encoding of its bytes", () => {
    const chars = fc.constantFrom(..."AQgwBf_-9z+/= .".split(""));
    fc.assert(
      fc.property(
        fc.array(chars, { maxLength: 12 }).map((a) => a.join("")),
        (s) => {
          const r = outcome(() => base64urlToBytes(s));
          if (typeof r === "string") expect(r).toBe("RangeError");
          else expect(bytesToBase64url(r)).toBe(s);
        },
      ),
      { numRuns: 500 },
    );
  });

  it("rejects padding, the standard alphabet, impossible lengths and non-zero trailing bits", () => {
    for (const bad of ["AA==", "A+", "A/", "A", "AAAAA", "AB", "AAB", " AA"]) {
      expect(() => base64urlToBytes(bad, "token")).toThrow(RangeError);
    }
    expect(() => base64urlToBytes(null, "token")).toThrow(TypeError);
    expect(base64urlToBytes("AA")).toEqual(Uint8Array.of(0));
  });
});

describe("equalBytes", () => {
  it("is true exactly when contents are equal (any lengths)", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 8 }), fc.uint8Array({ maxLength: 8 }), (a, b) => {
        expect(equalBytes(a, b)).toBe(bytesToHex(a) === bytesToHex(b));
        expect(equalBytes(a, a.slice())).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it("detects a single flipped bit anywhere", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 64 }), fc.nat(), (a, bit) => {
        const b = a.slice();
        const i = (bit >> 3) % b.length;
        b[i] = (b[i] ?? 0) ^ (1 << (bit & 7));
        expect(equalBytes(a, b)).toBe(false);
      }),
    );
  });

  it("throws TypeError for non-bytes", () => {
    expect(() => equalBytes("a" as unknown as Uint8Array, new Uint8Array(1))).toThrow(TypeError);
  });
});

describe("integers, concatenation and wipe", () => {
  it("u32le/u64le match Buffer's little-endian writers and refuse out-of-range values", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), fc.maxSafeNat(), (a, b) => {
        const ba = Buffer.alloc(4);
        ba.writeUInt32LE(a);
        expect(bytesToHex(u32le(a))).toBe(ba.toString("hex"));
        const bb = Buffer.alloc(8);
        bb.writeBigUInt64LE(BigInt(b));
        expect(bytesToHex(u64le(b))).toBe(bb.toString("hex"));
      }),
    );
    expect(bytesToHex(u32le(0x01020304))).toBe("04030201");
    expect(() => u32le(-1, "version")).toThrow(/version must be between 0 and 4294967295/);
    expect(() => u32le(2 ** 32)).toThrow(RangeError);
    expect(() => u64le(2 ** 53)).toThrow(RangeError);
    expect(() => u32le(1.5)).toThrow(TypeError);
  });

  it("concatBytes joins in order and validates parts", () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 10 }), { maxLength: 5 }), (parts) => {
        expect(bytesToHex(concatBytes(...parts))).toBe(parts.map(bytesToHex).join(""));
      }),
    );
    expect(() => concatBytes(utf8("a"), "b" as unknown as Uint8Array)).toThrow(/parts\[1\]/);
  });

  it("wipe zeroes every given buffer and skips undefined", () => {
    const a = Uint8Array.of(1, 2, 3);
    const b = new Uint8Array(Buffer.from("secret"));
    wipe(a, undefined, b);
    expect([...a, ...b].every((x) => x === 0)).toBe(true);
  });
});
