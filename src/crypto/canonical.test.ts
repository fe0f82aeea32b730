// Canonical encoding: independent byte vectors, strict decoding and fast-check properties.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { bytesToHex, hexToBytes } from "./bytes.js";
import { type CanonicalValue, canonicalDecode, canonicalEncode } from "./canonical.js";
import { Secret } from "./secret.js";

const T = "keyward v1 example";
const H = "120000006b657977617264207631206578616d706c65"; // u32le(18) ‖ "keyward v1 example"

// Output of `python3 src/crypto/canonical.vectors.py` (hand-assembled from the spec with struct.pack).
const VECTORS: [string, string, CanonicalValue, string][] = [
  ["null", T, null, `${H}00`],
  ["false", T, false, `${H}01`],
  ["true", T, true, `${H}02`],
  ["uint 0", T, 0, `${H}030000000000000000`],
  ["uint 2^53-1", T, Number.MAX_SAFE_INTEGER, `${H}03ffffffffffff1f00`],
  ["uint 2^64-1", T, (1n << 64n) - 1n, `${H}03ffffffffffffffff`],
  ["int -1", T, -1, `${H}040000000000000000`],
  ["int -2^64", T, -(1n << 64n), `${H}04ffffffffffffffff`],
  ["string empty", T, "", `${H}0500000000`],
  ["string héllo", T, "h\u00e9llo", `${H}050600000068c3a96c6c6f`],
  ["string BOM", T, "\ufeffx", `${H}0504000000efbbbf78`],
  ["bytes 00ff", T, Uint8Array.of(0, 0xff), `${H}060200000000ff`],
  ['array [1,"a",null]', T, [1, "a", null], `${H}070300000003010000000000000005010000006100`],
  ["map {}", T, {}, `${H}0800000000`],
  [
    "map {b:1,a:[true],aa:0x01}",
    T,
    { b: 1, a: [true], aa: Uint8Array.of(1) },
    `${H}080300000001000000610701000000020200000061610601000000010100000062030100000000000000`,
  ],
  [
    "map utf8 key order",
    T,
    { "\u{1f600}": 2, "\uff61": 1 },
    `${H}080200000003000000efbda103010000000000000004000000f09f9880030200000000000000`,
  ],
  ["other tag", "keyward v1 other", null, "100000006b657977617264207631206f7468657200"],
];

describe("canonical encoding vectors (independent)", () => {
  for (const [name, tag, value, hex] of VECTORS) {
    it(`${name}: encode and decode`, () => {
      expect(bytesToHex(canonicalEncode(tag, value))).toBe(hex);
      expect(canonicalDecode(tag, hexToBytes(hex))).toEqual(value);
    });
  }
});

describe("canonicalDecode rejects non-canonical input", () => {
  const cases: [string, string, RegExp][] = [
    ["trailing byte", `${H}0000`, /1 trailing byte/],
    ["empty input", "", /truncated tag length/],
    ["truncated tag", "120000006b6579", /truncated tag/],
    ["wrong tag", "100000006b657977617264207631206f7468657200", /tag differs/],
    ["no value", H, /truncated type byte/],
    ["unknown type byte", `${H}09`, /unknown type byte 0x09/],
    ["truncated integer", `${H}03000000`, /truncated integer/],
    ["string length past end", `${H}05050000006162`, /truncated string/],
    ["overlong UTF-8 (C0 80)", `${H}0502000000c080`, /not valid UTF-8/],
    ["UTF-8 surrogate (ED A0 80)", `${H}0503000000eda080`, /not valid UTF-8/],
    ["truncated UTF-8 sequence", `${H}0502000000e282`, /not valid UTF-8/],
    ["array count past end", `${H}07ffffffff00`, /truncated array items/],
    ["map count past end", `${H}08ffffffff`, /truncated map entries/],
    [
      "unsorted map keys",
      `${H}0802000000010000006200010000006100`, // "b" then "a"
      /not strictly increasing/,
    ],
    [
      "duplicate map keys",
      `${H}0802000000010000006100010000006100`, // "a" twice
      /not strictly increasing/,
    ],
    ["map key not UTF-8", `${H}080100000001000000ff00`, /map key is not valid UTF-8/],
    ["nesting deeper than 64", `${H}${"0701000000".repeat(65)}00`, /nesting too deep/],
  ];
  for (const [name, hex, message] of cases) {
    it(name, () => {
      expect(() => canonicalDecode(T, hexToBytes(hex))).toThrow(RangeError);
      expect(() => canonicalDecode(T, hexToBytes(hex))).toThrow(message);
    });
  }

  it("accepts nesting of exactly 64 levels, as the encoder does", () => {
    let v: CanonicalValue = null;
    for (let i = 0; i < 64; i++) v = [v];
    expect(canonicalDecode(T, canonicalEncode(T, v))).toEqual(v);
    expect(() => canonicalEncode(T, [v])).toThrow(RangeError);
  });

  it("validates its arguments", () => {
    expect(() => canonicalDecode("", new Uint8Array(1))).toThrow(TypeError);
    expect(() => canonicalDecode(T, "00" as unknown as Uint8Array)).toThrow(TypeError);
    expect(() => canonicalDecode("\ud800", new Uint8Array(1))).toThrow(RangeError);
  });

  it("keeps a __proto__ key as an own property", () => {
    const value = JSON.parse('{"__proto__": 1}') as CanonicalValue;
    const decoded = canonicalDecode(T, canonicalEncode(T, value)) as Record<string, CanonicalValue>;
    expect(Object.getPrototypeOf(decoded)).toBe(Object.prototype);
    expect(Object.keys(decoded)).toEqual(["__proto__"]);
    expect(bytesToHex(canonicalEncode(T, decoded))).toBe(bytesToHex(canonicalEncode(T, value)));
  });
});

describe("canonicalEncode refuses values without one canonical form", () => {
  it("refuses lone surrogates in strings, keys and tags", () => {
    expect(() => canonicalEncode(T, "\ud800")).toThrow(RangeError);
    expect(() => canonicalEncode(T, { "\ud800": 1 })).toThrow(RangeError);
    expect(() => canonicalEncode("\udc00", null)).toThrow(RangeError);
  });

  it("refuses unsafe integers, undefined members, class instances and Secrets", () => {
    expect(() => canonicalEncode(T, 2 ** 53)).toThrow(RangeError);
    expect(() => canonicalEncode(T, 0.5)).toThrow(RangeError);
    expect(() => canonicalEncode(T, 1n << 64n)).toThrow(RangeError);
    expect(() => canonicalEncode(T, { a: undefined } as unknown as CanonicalValue)).toThrow(TypeError);
    expect(() => canonicalEncode(T, new Date(0) as unknown as CanonicalValue)).toThrow(TypeError);
    const secret = Secret.from(new Uint8Array(4));
    expect(() => canonicalEncode(T, { secret } as unknown as CanonicalValue)).toThrow(TypeError);
  });

  it("names the refused value's path from the root, and the next encoding starts afresh", () => {
    expect(() => canonicalEncode(T, { a: [1, { b: 0.5 }] })).toThrow(
      /^\$\.a\[1\]\.b must be a safe integer$/,
    );
    expect(() => canonicalEncode(T, { x: 1, y: { z: undefined } } as unknown as CanonicalValue)).toThrow(
      /^\$\.y\.z is undefined$/,
    );
    expect(() => canonicalEncode(T, [[], ["\ud800"]])).toThrow(/^\$\[1\]\[0\] is not well-formed Unicode$/);
    expect(() => canonicalEncode(T, { k: { "\ud800": 1 } })).toThrow(/^\$\.k has a key/);
    expect(() => canonicalEncode(T, 0.5)).toThrow(/^\$ must be a safe integer$/);
    expect(bytesToHex(canonicalEncode(T, { b: 1, a: null }))).toBe(
      `${H}0802000000010000006100010000006203${"0100000000000000"}`,
    );
  });
});

// Values restricted to what the encoder accepts, with full-range Unicode and the integer edges.
const { value: valueArb } = fc.letrec<{ value: CanonicalValue }>((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    fc.maxSafeInteger(),
    fc.bigInt({ min: -(1n << 64n), max: (1n << 64n) - 1n }),
    fc.string({ unit: "binary" }),
    fc.uint8Array({ maxLength: 40 }),
    fc.array(tie("value"), { maxLength: 5 }),
    fc.dictionary(fc.string({ unit: "binary", maxLength: 6 }), tie("value"), {
      maxKeys: 5,
      noNullPrototype: true,
    }),
  ),
}));

/** What decoding gives back: safe bigints become numbers (both encode identically). */
function normalize(v: CanonicalValue): CanonicalValue {
  if (typeof v === "bigint")
    return Number.isSafeInteger(Number(v)) && BigInt(Number(v)) === v ? Number(v) : v;
  if (typeof v === "number") return v === 0 ? 0 : v; // -0 encodes as 0
  if (v === null || typeof v !== "object" || v instanceof Uint8Array) return v;
  if (Array.isArray(v)) return v.map(normalize);
  const out: Record<string, CanonicalValue> = {};
  for (const [k, val] of Object.entries(v)) {
    Object.defineProperty(out, k, {
      value: normalize(val),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}

/** The same map with its members inserted in another order, recursively. */
function reorder(v: CanonicalValue, seed: number): CanonicalValue {
  if (v === null || typeof v !== "object" || v instanceof Uint8Array) return v;
  if (Array.isArray(v)) return v.map((x) => reorder(x, seed));
  const entries = Object.entries(v);
  const rotated = entries
    .slice(seed % Math.max(1, entries.length))
    .concat(entries.slice(0, seed % Math.max(1, entries.length)));
  const out: Record<string, CanonicalValue> = {};
  for (const [k, val] of rotated.reverse()) {
    Object.defineProperty(out, k, {
      value: reorder(val, seed),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}

describe("canonical encoding properties", () => {
  it("round-trips: decode(encode(v)) equals v and re-encodes to the same bytes", () => {
    fc.assert(
      fc.property(valueArb, (v) => {
        const bytes = canonicalEncode(T, v);
        const back = canonicalDecode(T, bytes);
        expect(back).toEqual(normalize(v));
        expect(bytesToHex(canonicalEncode(T, back))).toBe(bytesToHex(bytes));
      }),
      { numRuns: 300 },
    );
  });

  it("is deterministic and independent of map insertion order", () => {
    fc.assert(
      fc.property(valueArb, fc.nat(), (v, seed) => {
        const a = bytesToHex(canonicalEncode(T, v));
        expect(bytesToHex(canonicalEncode(T, v))).toBe(a);
        expect(bytesToHex(canonicalEncode(T, reorder(v, seed)))).toBe(a);
      }),
      { numRuns: 200 },
    );
  });

  it("separates domains: the same value under two tags never decodes under the other", () => {
    fc.assert(
      fc.property(valueArb, (v) => {
        expect(() => canonicalDecode("keyward v1 other", canonicalEncode(T, v))).toThrow(RangeError);
      }),
      { numRuns: 100 },
    );
  });

  it("accepts only canonical bytes: random or mutated input throws or re-encodes byte for byte", () => {
    const mutated = fc
      .tuple(valueArb, fc.nat(), fc.integer({ min: 1, max: 255 }), fc.constantFrom("flip", "cut", "append"))
      .map(([v, at, x, how]) => {
        const b = canonicalEncode(T, v);
        const i = at % b.length;
        if (how === "cut") return b.subarray(0, i);
        if (how === "append") return Uint8Array.from([...b, x]);
        const c = b.slice();
        c[i] = (c[i] ?? 0) ^ x;
        return c;
      });
    const random = fc
      .uint8Array({ maxLength: 64 })
      .map((tail) => Uint8Array.from([...hexToBytes(H), ...tail]));
    fc.assert(
      fc.property(fc.oneof(mutated, random), (bytes) => {
        let decoded: CanonicalValue;
        try {
          decoded = canonicalDecode(T, bytes);
        } catch (err) {
          expect(err).toBeInstanceOf(RangeError);
          return;
        }
        expect(bytesToHex(canonicalEncode(T, decoded))).toBe(bytesToHex(bytes));
      }),
      { numRuns: 1000 },
    );
  });
});
