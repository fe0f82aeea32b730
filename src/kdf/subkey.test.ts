// keyward's generic subkey: known answers from Debian's b3sum (never from this code), properties and boundary.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { bytesToHex, u32le, utf8 } from "../crypto/bytes.js";
import { deriveSubkey } from "./subkey.js";

const CTX = "keyward v1 test-subkey";
const IKM = new Uint8Array(32).fill(0x42);

// Produced with (IKM = 32 bytes of 0x42; MSG = u32le(len(p1)) ‖ p1 ‖ u32le(len(p2)) ‖ p2 ‖ … as a file):
//   ROOT=$(printf '\x42%.0s' $(seq 32) | b3sum --no-names --derive-key "keyward v1 test-subkey")
//   printf %s "$ROOT" | xxd -r -p | b3sum --no-names --keyed msg.bin
// (the same steps in Python: `python3 src/kdf/kdf.vectors.py`).
const KATS: { name: string; parts: Uint8Array[]; out: string; context?: string }[] = [
  { name: "no parts", parts: [], out: "aff3b1b6115336c636b9175004e435fc4ad763c29c978fb526873518a2bd2193" },
  {
    name: 'parts "ab","c"',
    parts: [utf8("ab"), utf8("c")],
    out: "e6673aa963b3151e179c68aa12794231f2341471afffe46142721cf09dac2891",
  },
  {
    name: 'parts "a","bc" (length prefixes keep it apart from "ab","c")',
    parts: [utf8("a"), utf8("bc")],
    out: "f60d98b0dde96d3d30dad5038a46050213499c490175188dae685f0c5eeb28f8",
  },
  {
    name: "one empty part (differs from no parts)",
    parts: [new Uint8Array(0)],
    out: "037f849a6248c9056a454e11c25f315431e766d20aee8bdee0f938ea4c4a4b9c",
  },
  {
    name: "identity-key shaped parts",
    parts: [utf8("email:alice@example.com"), utf8("default"), u32le(7), utf8("ed25519")],
    out: "8aa8256ee5b386e1c51acde358257835b8f43c22ce6281313f46c740e574c368",
  },
  {
    name: "another context, no parts",
    context: "keyward v1 other-subkey",
    parts: [],
    out: "8073f9302a693615d373c6946aa8c7a1de2481d267a0a11c61cd96f207ea1ddf",
  },
];

describe("deriveSubkey known answers (b3sum)", () => {
  for (const k of KATS) {
    it(k.name, () => {
      expect(bytesToHex(deriveSubkey(k.context ?? CTX, IKM, ...k.parts))).toBe(k.out);
    });
  }
});

describe("deriveSubkey properties", () => {
  const parts = fc.array(fc.uint8Array({ maxLength: 12 }), { maxLength: 5 });

  it("is deterministic", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), parts, (ikm, ps) => {
        expect(bytesToHex(deriveSubkey(CTX, ikm, ...ps))).toBe(
          bytesToHex(deriveSubkey(CTX, ikm.slice(), ...ps.map((p) => p.slice()))),
        );
      }),
      { numRuns: 100 },
    );
  });

  it("two different part lists never collide (length-prefixed framing)", () => {
    fc.assert(
      fc.property(parts, parts, (a, b) => {
        const same =
          a.length === b.length && a.every((p, i) => bytesToHex(p) === bytesToHex(b[i] ?? utf8("")));
        const ka = bytesToHex(deriveSubkey(CTX, IKM, ...a));
        const kb = bytesToHex(deriveSubkey(CTX, IKM, ...b));
        expect(ka === kb).toBe(same);
      }),
      { numRuns: 200 },
    );
  });

  it("the context and the ikm separate domains", () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 20 }),
        fc.uint8Array({ maxLength: 32 }),
        (ctx, ikm) => {
          fc.pre(ctx !== CTX);
          expect(bytesToHex(deriveSubkey(ctx, IKM))).not.toBe(bytesToHex(deriveSubkey(CTX, IKM)));
          fc.pre(bytesToHex(ikm) !== bytesToHex(IKM));
          expect(bytesToHex(deriveSubkey(CTX, ikm))).not.toBe(bytesToHex(deriveSubkey(CTX, IKM)));
        },
      ),
      { numRuns: 100 },
    );
  });

  it("rejects bad arguments naming the parameter", () => {
    expect(() => deriveSubkey("", IKM)).toThrow(/context must not be empty/);
    expect(() => deriveSubkey(CTX, "k" as unknown as Uint8Array)).toThrow(/ikm must be a Uint8Array/);
    expect(() => deriveSubkey(CTX, IKM, utf8("a"), 3 as unknown as Uint8Array)).toThrow(
      /parts\[1\] must be a Uint8Array/,
    );
  });
});
