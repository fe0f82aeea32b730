// keyward's CBOR subset against an independent encoder/decoder (cbor2, npm): same bytes out, same values in.
import { decode, encode } from "cbor2";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type CborValue, decodeCbor, encodeCbor } from "./cbor.js";

// Values of the subset ciborium writes for River's types: integers, text, bytes, arrays, text-keyed maps, null/bool.
const value: fc.Arbitrary<CborValue> = fc.letrec<{ v: CborValue }>((tie) => ({
  v: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.integer({ min: -(2 ** 40), max: 2 ** 40 }),
    fc.string(),
    fc.boolean(),
    fc.constant(null),
    fc.uint8Array({ maxLength: 40 }),
    fc.array(tie("v"), { maxLength: 5 }),
    fc.dictionary(fc.string({ maxLength: 8 }), tie("v"), { maxKeys: 4 }),
  ),
})).v;

describe("CBOR subset", () => {
  it("encodes exactly as cbor2 does and decodes cbor2's output back", () => {
    fc.assert(
      fc.property(value, (v) => {
        const ours = encodeCbor(v);
        expect(ours).toEqual(encode(v));
        expect(decodeCbor(encode(v))).toEqual(decode(ours));
      }),
      { numRuns: 300 },
    );
  });

  it("throws RangeError (never anything else) on arbitrary bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (b) => {
        try {
          decodeCbor(b);
        } catch (err) {
          expect(err).toBeInstanceOf(RangeError);
        }
      }),
      { numRuns: 500 },
    );
  });
});
