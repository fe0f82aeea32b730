// parseNormalEvent against the JSON.parse path: whatever it returns is exactly that path's event; normal ASCII lines are taken.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseNormalEvent } from "./event-bytes.js";
import { parseEvent } from "./events.js";

/** The JSON.parse path of the import: the event, or the refusal. */
function reference(line: string): { ok: true; json: string } | { ok: false } {
  try {
    return { ok: true, json: JSON.stringify(parseEvent(JSON.parse(line))) };
  } catch {
    return { ok: false };
  }
}

/** Printable ASCII without escapes: the lines the byte reader must take. */
const plain = (s: string) => /^[\x20-\x7e]*$/.test(s) && !s.includes("\\");

const chars = fc.constantFrom(...'09az:-_ "\\/\u00e9\u0001\u007f\u2028', "\ud800", "\ud83d\ude00");
const text = fc.oneof(
  fc.string({ unit: chars, minLength: 0, maxLength: 6 }),
  fc.string({ minLength: 0, maxLength: 4 }),
  fc.constantFrom("", "0", "00", "007", "42", "9007199254740991", "9007199254740992", "x".repeat(257)),
);
const int = fc.oneof(
  fc.nat(1000),
  fc.constantFrom(0, 9007199254740991, 9007199254740992, -1, 1.5, 1e21, -0),
  fc.maxSafeNat(),
);
const idValue = fc.oneof(int, text);
const scopes = fc.oneof(
  fc.array(idValue, { minLength: 0, maxLength: 4 }),
  fc.constant("x"),
  fc.constant(null),
);

/** Event-shaped objects: valid and not, with optional and stray fields, in normal or shuffled key order. */
const eventObject = fc
  .record(
    {
      op: fc.constantFrom("grant", "revoke", "other"),
      delegator: idValue,
      provider: idValue,
      scopes,
      at: int,
      expiresAt: int,
      id: text,
      extra: fc.constant(1),
    },
    { requiredKeys: ["op"] },
  )
  .chain((o) =>
    fc.boolean().map((shuffle) => {
      const entries = Object.entries(o);
      return Object.fromEntries(shuffle ? entries.reverse() : entries);
    }),
  );

/** Valid events (ids and positions in range, distinct scopes), in any key order. */
const validId = fc.oneof(
  fc.maxSafeNat(),
  fc.nat(99),
  fc.string({ unit: fc.constantFrom(...'ab:-_ 0"\u00e9'), minLength: 1, maxLength: 5 }),
);
const validEvent = fc
  .record(
    {
      grant: fc.boolean(),
      delegator: validId,
      provider: validId,
      scopes: fc.uniqueArray(validId, { minLength: 1, maxLength: 4, selector: (v) => String(v) }),
      at: fc.maxSafeNat(),
      expires: fc.option(fc.nat(1000)),
      id: fc.option(fc.string({ unit: fc.constantFrom(...'09aZ-/ "\\\u00e9'), minLength: 1, maxLength: 6 })),
      noScopes: fc.boolean(),
    },
    { requiredKeys: ["grant", "delegator", "provider", "scopes", "at"] },
  )
  .map((v) => ({
    op: v.grant ? "grant" : "revoke",
    delegator: v.delegator,
    provider: v.provider,
    ...(v.grant || !v.noScopes ? { scopes: v.scopes } : {}),
    at: v.at,
    ...(v.grant && v.expires != null
      ? { expiresAt: Math.min(Number.MAX_SAFE_INTEGER, v.at + 1 + v.expires) }
      : {}),
    ...(v.id != null ? { id: v.id } : {}),
  }));
/** The normal form of an object when it is an event (else its JSON). */
const normal = (o: object) => {
  const r = reference(JSON.stringify(o));
  return r.ok ? r.json : JSON.stringify(o);
};

/** Lines: JSON of those objects, the normal form of the valid ones, and byte-level edits of both. */
const line = fc.oneof(
  eventObject.map((o) => JSON.stringify(o)),
  eventObject.map(normal),
  validEvent.map(normal),
  validEvent.map((o) => JSON.stringify(o)),
  fc
    .tuple(
      fc.oneof(eventObject.map(normal), validEvent.map(normal)),
      fc.nat(),
      fc.constantFrom("", " ", "0", "1", '"', "\\", ",", "}", "]", "-", ".", "e", "\u00e9"),
      fc.nat(2),
    )
    .map(([s, at, ins, del]) => {
      const i = at % (s.length + 1);
      return s.slice(0, i) + ins + s.slice(i + del);
    }),
);

describe("parseNormalEvent", () => {
  it("returns an event only for a line in normal form, equal (with key order) to the JSON.parse path's", () => {
    let taken = 0;
    let refused = 0;
    fc.assert(
      fc.property(line, (s) => {
        const buf = Buffer.from(`xx${s}yy`, "utf8");
        const got = parseNormalEvent(buf, 2, buf.length - 2);
        const ref = reference(s);
        if (!ref.ok) refused++;
        if (got !== undefined) {
          taken++;
          expect(ref.ok).toBe(true);
          expect(JSON.stringify(got)).toBe(s);
          expect(ref.ok && ref.json).toBe(s);
        } else if (ref.ok && ref.json === s && plain(s)) {
          // Completeness: a printable-ASCII line in normal form without escapes is always read from its bytes.
          expect.unreachable(`not taken: ${s}`);
        }
      }),
      { numRuns: 20_000 },
    );
    // The runs are not vacuous: many lines are read from their bytes, many are refused by the JSON.parse path.
    expect(taken).toBeGreaterThan(1000);
    expect(refused).toBeGreaterThan(1000);
  });

  it("reads the normal form of grants and revokes, with and without the optional fields", () => {
    const cases = [
      '{"op":"grant","delegator":7,"provider":"A","scopes":[1,"x:y"],"at":100}',
      '{"op":"grant","delegator":0,"provider":9007199254740991,"scopes":[1],"at":5,"expiresAt":6,"id":"e 1"}',
      '{"op":"revoke","delegator":"d","provider":"A","at":100,"id":"0"}',
      '{"op":"revoke","delegator":7,"provider":"A","scopes":[2],"at":100}',
    ];
    for (const s of cases) {
      const got = parseNormalEvent(Buffer.from(s), 0, s.length);
      expect(got).toEqual(JSON.parse(s));
      expect(JSON.stringify(got)).toBe(s);
    }
    for (const s of [
      '{"op":"grant","delegator":7,"provider":"A","scopes":[1,1],"at":100}',
      '{"op":"grant","delegator":"7","provider":"A","scopes":[1],"at":100}',
      '{"op":"grant","delegator":7,"provider":"A","scopes":[1],"at":100,"expiresAt":100}',
      '{"op":"grant","delegator":7,"provider":"A","at":100}',
      '{"op":"revoke","delegator":7,"provider":"A","at":100,"expiresAt":200}',
      '{"op":"grant","delegator":07,"provider":"A","scopes":[1],"at":100}',
      '{"op":"grant","delegator":7,"provider":"A","scopes":[1],"at":9007199254740992}',
      '{"op":"grant","delegator":7,"provider":"A","scopes":[1],"at":100,"id":""}',
      '{"op":"grant","delegator":7,"provider":"A","scopes":[1],"at":100} ',
    ])
      expect(parseNormalEvent(Buffer.from(s), 0, s.length)).toBeUndefined();
  });
});
